// The admin UI as staff use it day to day, end to end in Chromium: each test shows one thing
// that used to get in an editor's way is fixed.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { shots, launch, startServer, login, send, signUp, assertUncovered, assertFitsWidth } from './support.mjs';

/** An item's document as PUT takes it. */
const pick = (item) => ({
  title: item.title,
  summary: item.summary,
  body: item.body,
  tags: item.tags,
  attachments: item.attachments,
  fields: item.fields,
});

/** The entries of a list answer, a bare array or `{items}`. */
const listOf = (body) => (Array.isArray(body) ? body : body.items);

describe('admin UI for staff', () => {
  let server;
  let browser;
  let page;

  const shot = async (name, p = page) => {
    await p.screenshot({ path: join(shots, `staff-${name}.png`), fullPage: true });
  };
  const flashText = (p = page) => p.locator('#flash p').last();
  const menu = (name, p = page) => p.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name, exact: true });

  before(async () => {
    mkdirSync(shots, { recursive: true });
    server = await startServer();
    browser = await launch();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nl-NL', timezoneId: 'UTC' });
    page = await context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await login(page, server);
  });

  after(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    if (server) rmSync(server.dataDir, { recursive: true, force: true });
  });

  it('shows every column and button of Gebruikers and Leden at 1280 and 1920 px', async () => {
    for (const [email, name, role] of [
      ['hoofdredacteur.digitale.kanalen@onderwijsalliantie.nl', 'Hoofdredacteur Digitale Kanalen', 'editor'],
      ['ledenadministratie@onderwijsalliantie.nl', 'Ledenadministratie', 'membership'],
    ]) {
      const r = await send(page, 'POST', '/api/v1/admin/users', { email, name, role, password: 'een lang en sterk wachtwoord' });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    await signUp(server, {
      name: 'Bram van den Bosch-Oosterhuis',
      email: 'bram.vandenbosch-oosterhuis@openbaarprimaironderwijsgroningen.nl',
      organisation: 'Stichting Openbaar Primair Onderwijs Groningen',
    });
    const { body: list } = await send(page, 'GET', '/api/v1/admin/memberships');
    const bram = list.items[0];
    const ok = await send(page, 'PATCH', `/api/v1/admin/memberships/${bram.id}`, { status: 'approved' }, `"${bram.id}:${bram.version}"`);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));

    for (const width of [1280, 1920]) {
      await page.setViewportSize({ width, height: 900 });
      await menu('Gebruikers').click();
      const rows = page.locator('table.users tbody tr');
      await rows.nth(2).waitFor();
      for (let i = 0; i < 3; i += 1) {
        await assertUncovered(rows.nth(i).getByRole('button', { name: 'Wachtwoord' }), `Wachtwoord in row ${i + 1} at ${width} px`);
        await assertUncovered(rows.nth(i).getByRole('combobox'), `the role in row ${i + 1} at ${width} px`);
      }
      // The signed-in admin cannot remove themselves; the others can be removed.
      for (let i = 1; i < 3; i += 1) {
        await assertUncovered(rows.nth(i).getByRole('button', { name: 'Verwijderen' }), `Verwijderen in row ${i + 1} at ${width} px`);
      }
      await shot(`gebruikers-${width}`);

      await menu('Leden').click();
      const row = page.locator('table.members tbody tr', { hasText: 'Bram' });
      await assertUncovered(row.getByText('goedgekeurd'), `the status at ${width} px`);
      await assertUncovered(page.locator('table.members th', { hasText: 'Aangemeld' }), `the Aangemeld heading at ${width} px`);
      await assertUncovered(row.locator('time'), `the sign-up time at ${width} px`);
      // With a sign-up opened beside the list.
      await row.getByRole('link', { name: /Bram/ }).click();
      await page.locator('#member-detail').getByText('Ik verbind scholen in de regio.').waitFor();
      await assertUncovered(row.getByText('goedgekeurd'), `the status beside the detail at ${width} px`);
      await assertUncovered(page.locator('table.members th', { hasText: 'Aangemeld' }), `the Aangemeld heading beside the detail at ${width} px`);
      await assertUncovered(row.locator('time'), `the sign-up time beside the detail at ${width} px`);
      await shot(`leden-${width}`);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('"Mijn versie toch opslaan" keeps the other editor\'s changes and shows fields both changed side by side', async () => {
    const made = await send(page, 'POST', '/api/v1/admin/content', {
      kind: 'news',
      title: 'Open dag',
      summary: 'Kom langs.',
      body: 'Om 10:00 begint het.\n\nWe sluiten om 16:00.',
      fields: { author: 'Redactie' },
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const id = made.body.id;
    await page.goto(`${server.base}/admin/inhoud/${id}`);
    await page.getByLabel('Titel').fill('Open dag 2027');
    await page.getByLabel('Tekst (Markdown)').fill('Om 10:30 begint het.\n\nWe sluiten om 16:00.');

    // Meanwhile a colleague saves the summary, the author and the same line of the text.
    const theirs = await send(page, 'PUT', `/api/v1/admin/content/${id}`, {
      title: 'Open dag',
      summary: 'Kom langs, iedereen welkom.',
      body: 'Om 11:00 begint het.\n\nWe sluiten om 16:00.',
      tags: [],
      attachments: [],
      fields: { author: 'Communicatie' },
    }, made.etag);
    assert.equal(theirs.status, 200, JSON.stringify(theirs.body));

    await page.getByRole('button', { name: 'Opslaan' }).click();
    await page.getByText('Iemand anders heeft dit item intussen opgeslagen').waitFor();
    await page.getByRole('button', { name: 'Mijn versie toch opslaan' }).click();
    const merge = page.getByRole('region', { name: 'Door jullie allebei gewijzigd' });
    await merge.waitFor();
    // Only the text was changed by both; it is shown both ways.
    assert.deepEqual(await merge.locator('fieldset.merge-field legend').allInnerTexts(), ['Tekst']);
    await merge.locator('.merge-mine pre', { hasText: 'Om 10:30 begint het.' }).waitFor();
    await merge.locator('.merge-theirs pre', { hasText: 'Om 11:00 begint het.' }).waitFor();
    await shot('samenvoegen');
    await merge.getByRole('button', { name: 'Samengevoegd opslaan' }).click();
    await flashText().filter({ hasText: 'Opgeslagen als versie 3.' }).waitFor();
    const { body: saved } = await send(page, 'GET', `/api/v1/admin/content/${id}`);
    assert.equal(saved.title, 'Open dag 2027');
    assert.equal(saved.body, 'Om 10:30 begint het.\n\nWe sluiten om 16:00.');
    assert.equal(saved.summary, 'Kom langs, iedereen welkom.');
    assert.equal(saved.fields.author, 'Communicatie');
    // The editor shows what was saved, the colleague's summary included.
    await page.locator('.latest-version', { hasText: '3' }).waitFor();
    assert.equal(await page.getByLabel('Samenvatting').inputValue(), 'Kom langs, iedereen welkom.');

    // Choosing the other's version of a field both changed saves theirs for that field.
    const again = await send(page, 'GET', `/api/v1/admin/content/${id}`);
    await page.getByLabel('Titel').fill('Open dag voor iedereen');
    await page.getByLabel('Samenvatting').fill('Kom langs, iedereen is welkom.');
    const other = await send(page, 'PUT', `/api/v1/admin/content/${id}`, { ...pick(again.body), title: 'Open dag 2027 (nieuw)' }, again.etag);
    assert.equal(other.status, 200, JSON.stringify(other.body));
    await page.getByRole('button', { name: 'Opslaan' }).click();
    await page.getByRole('button', { name: 'Mijn versie toch opslaan' }).click();
    await merge.getByRole('radio', { name: 'Versie van de ander' }).check();
    await merge.getByRole('button', { name: 'Samengevoegd opslaan' }).click();
    await flashText().filter({ hasText: 'Opgeslagen als versie 5.' }).waitFor();
    const { body: last } = await send(page, 'GET', `/api/v1/admin/content/${id}`);
    assert.equal(last.title, 'Open dag 2027 (nieuw)');
    assert.equal(last.summary, 'Kom langs, iedereen is welkom.');
  });

  it('asks before a role changes and says what changes; an arrow key alone changes nothing', async () => {
    const roleOf = async (email) => listOf((await send(page, 'GET', '/api/v1/admin/users')).body).find((u) => u.email === email).role;
    const editor = 'hoofdredacteur.digitale.kanalen@onderwijsalliantie.nl';
    await menu('Gebruikers').click();
    const select = page.getByRole('combobox', { name: `Rol van ${editor}` });
    await select.focus();
    await page.keyboard.press('ArrowDown');
    const dialog = page.getByRole('dialog', { name: 'Bevestigen' });
    await dialog.waitFor();
    const question = await dialog.innerText();
    assert.match(question, /van redacteur naar ledenbeheer/);
    assert.match(question, /Daarna: alleen de aanmeldingen bij Leden behandelen/);
    assert.equal(await roleOf(editor), 'editor');
    await shot('rol-vragen');
    await dialog.getByRole('button', { name: 'Annuleren', exact: true }).click();
    assert.equal(await select.inputValue(), 'editor');
    assert.equal(await roleOf(editor), 'editor');

    await select.selectOption('read');
    await dialog.getByRole('button', { name: 'Rol wijzigen' }).click();
    await flashText().filter({ hasText: `${editor} is nu alleen lezen.` }).waitFor();
    assert.equal(await roleOf(editor), 'read');

    // Demoting oneself says so, and cancelling keeps the role.
    await page.getByRole('combobox', { name: `Rol van ${server.email}` }).selectOption('editor');
    await dialog.getByText('Dit ben jij').waitFor();
    await dialog.getByRole('button', { name: 'Annuleren', exact: true }).click();
    assert.equal(await roleOf(server.email), 'admin');
    assert.equal(await page.getByRole('combobox', { name: `Rol van ${server.email}` }).inputValue(), 'admin');
  });

  it('shows problems with a field in Dutch, from the stable code the server gives', async () => {
    await page.goto(`${server.base}/admin/inhoud/nieuw?soort=download`);
    await page.getByLabel('Titel').fill('Werkboek zonder bestand');
    await page.getByRole('button', { name: 'Aanmaken' }).click();
    const fileError = page.locator('.field-error[data-error-for="fields.file_id"]');
    await fileError.waitFor();
    assert.match(await fileError.innerText(), /^Kies een bestand/);
    await shot('fout-nederlands');

    await page.goto(`${server.base}/admin/gebruikers`);
    await page.getByLabel('E-mailadres').fill('kort@onderwijsalliantie.nl');
    await page.getByLabel('Wachtwoord').fill('kort');
    await page.getByRole('button', { name: 'Toevoegen' }).click();
    const pwError = page.locator('.field-error[data-error-for="password"]');
    await pwError.waitFor();
    assert.equal(await pwError.innerText(), 'Te kort: minstens 10 tekens.');
    assert.doesNotMatch(await page.locator('main').innerText(), /must be|characters|uploaded file/);
  });

  it('cancels a planned publication, says what unpublishing did, warns about a past time and asks before going offline', async () => {
    const made = await send(page, 'POST', '/api/v1/admin/content', { kind: 'news', title: 'Gepland bericht', fields: {} });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const id = made.body.id;
    const read = async () => (await send(page, 'GET', `/api/v1/admin/content/${id}`)).body;
    const dialog = page.getByRole('dialog', { name: 'Bevestigen' });
    await page.goto(`${server.base}/admin/inhoud/${id}/publiceren`);
    const publishAt = async (local) => {
      await page.locator('#publish-later').check();
      await page.locator('#publish-at').fill(local);
      await page.getByRole('button', { name: 'Publiceren', exact: true }).click();
    };

    // Planned, then cancelled: the item stays a draft.
    await publishAt('2030-01-01T10:00');
    await flashText().filter({ hasText: 'Publicatie gepland op' }).waitFor();
    await page.getByRole('button', { name: 'Geplande publicatie annuleren' }).click();
    await dialog.getByRole('button', { name: 'Ja, annuleren' }).click();
    await flashText().filter({ hasText: 'De geplande publicatie is geannuleerd.' }).waitFor();
    let item = await read();
    assert.equal(item.publish_at, null);
    assert.equal(item.status, 'draft');
    assert.equal(await page.getByRole('button', { name: 'Geplande publicatie annuleren' }).count(), 0);

    // "Offline halen" on a planned item that never was live says so, after asking.
    await publishAt('2030-01-01T10:00');
    await flashText().filter({ hasText: 'Publicatie gepland op' }).waitFor();
    await page.getByRole('button', { name: 'Offline halen', exact: true }).click();
    await dialog.getByText('De geplande publicatie vervalt.').waitFor();
    await dialog.getByRole('button', { name: 'Offline halen', exact: true }).click();
    await flashText().filter({ hasText: 'De geplande publicatie is geschrapt; het item stond nog niet live.' }).waitFor();
    assert.equal((await read()).publish_at, null);

    // A time in the past asks first; cancelling publishes nothing.
    await publishAt('2020-01-01T10:00');
    await dialog.getByText('is al voorbij: het item gaat dan meteen live').waitFor();
    await shot('publiceren-verleden');
    await dialog.getByRole('button', { name: 'Annuleren', exact: true }).click();
    assert.equal((await read()).published_version, null);
    await page.getByRole('button', { name: 'Publiceren', exact: true }).click();
    await dialog.getByRole('button', { name: 'Nu live' }).click();
    await flashText().filter({ hasText: 'Versie 1 staat live.' }).waitFor();

    // Unpublishing asks; cancelled, the item stays live.
    await page.locator('#unpublish-now').check();
    await page.getByRole('button', { name: 'Offline halen', exact: true }).click();
    await dialog.getByText('Het verdwijnt meteen van de website.').waitFor();
    await dialog.getByRole('button', { name: 'Annuleren', exact: true }).click();
    assert.equal((await read()).status, 'published');

    // A planned unpublish can be cancelled too; the item stays live.
    await page.locator('#unpublish-later').check();
    await page.locator('#unpublish-at').fill('2030-07-01T12:00');
    await page.getByRole('button', { name: 'Offline halen', exact: true }).click();
    await dialog.getByRole('button', { name: 'Offline halen plannen' }).click();
    await flashText().filter({ hasText: 'Gaat offline op' }).waitFor();
    await page.getByRole('button', { name: 'Gepland offline halen annuleren' }).click();
    await dialog.getByRole('button', { name: 'Ja, annuleren' }).click();
    await flashText().filter({ hasText: 'Het geplande offline halen is geannuleerd.' }).waitFor();
    item = await read();
    assert.equal(item.unpublish_at, null);
    assert.equal(item.status, 'published');
  });

  it('on a phone, opens a sign-up and a file in view, under a short header', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'nl-NL', timezoneId: 'UTC' });
    const p = await phone.newPage();
    await login(p, server);
    const header = await p.locator('header.top').boundingBox();
    assert.ok(header.height <= 110, `the header is ${header.height} px high`);
    await assertFitsWidth(p);
    /** The element's top is on screen (not above it, not below the fold). */
    const onScreen = async (locator, what) => {
      const top = await locator.evaluate((el) => el.getBoundingClientRect().top);
      const height = await p.evaluate(() => window.innerHeight);
      assert.ok(top >= 0 && top < height - 100, `${what} starts at ${Math.round(top)} px in an ${height} px window`);
    };

    await p.goto(`${server.base}/admin/leden`);
    await p.getByRole('link', { name: /Bram/ }).click();
    const member = p.locator('#member-detail h2', { hasText: 'Bram' });
    await member.waitFor();
    await onScreen(member, 'the sign-up');
    await shot('leden-telefoon', p);

    const upload = await p.evaluate(async () => {
      const form = new FormData();
      form.append('file', new Blob(['Jaarverslag 2026\n'], { type: 'text/plain' }), 'jaarverslag-2026.txt');
      return (await fetch('/api/v1/admin/files', { method: 'POST', body: form })).status;
    });
    assert.equal(upload, 201);
    await p.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Bestanden' }).click();
    await p.getByRole('link', { name: 'jaarverslag-2026.txt' }).click();
    const file = p.locator('#file-detail h2', { hasText: 'jaarverslag-2026.txt' });
    await file.waitFor();
    await onScreen(file, 'the file');
    await shot('bestand-telefoon', p);
    await phone.close();
  });

  it('names records by title in the activity log, says details in words and filters by person', async () => {
    const made = await send(page, 'POST', '/api/v1/admin/content', { kind: 'news', title: 'Logboekbericht', fields: {} });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const same = await send(page, 'PUT', `/api/v1/admin/content/${made.body.id}`, pick(made.body), made.etag);
    assert.equal(same.status, 200, JSON.stringify(same.body));
    assert.equal(same.body.unchanged, true);

    await page.goto(`${server.base}/admin/activiteit`);
    const table = page.locator('table.audit');
    const rows = table.locator('tbody tr', { hasText: 'Logboekbericht' });
    await rows.nth(1).waitFor();
    assert.deepEqual(await rows.locator('td[data-label="Wat"]').allInnerTexts(), ['opgeslagen, niets gewijzigd', 'aangemaakt']);
    await table.getByRole('link', { name: 'Logboekbericht' }).first().waitFor();
    // No raw detail, and no ids where a name is known.
    await page.locator('.record-name').last().waitFor();
    await page.waitForFunction(() => !document.querySelector('table.audit').innerText.includes('…'));
    const text = await table.innerText();
    assert.doesNotMatch(text, /restored_from|unchanged|null|false|sha256/);
    assert.doesNotMatch(text, /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-/);
    await assertFitsWidth(page);
    await shot('activiteit');

    // "Door" offers the staff by name.
    await page.getByLabel('Door').selectOption({ label: `Beheerder (${server.email})` });
    await page.waitForFunction((email) => {
      const cells = [...document.querySelectorAll('table.audit td[data-label="Wie"]')];
      return cells.length > 0 && cells.every((c) => c.textContent === email);
    }, server.email);
  });

  it('draws no frame around the page when focus moves to it after navigating', async () => {
    const frame = () => page.evaluate(() => {
      const el = document.activeElement;
      const style = getComputedStyle(el);
      return { id: el.id, boxShadow: style.boxShadow, outline: style.outlineStyle };
    });
    // By keyboard (where :focus-visible applies) and by mouse.
    await page.goto(`${server.base}/admin/inhoud`);
    await page.locator('h1', { hasText: 'Inhoud' }).waitFor();
    await menu('Bestanden').focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/admin\/bestanden$/);
    await page.waitForFunction(() => document.activeElement.id === 'main');
    assert.deepEqual(await frame(), { id: 'main', boxShadow: 'none', outline: 'none' });
    await menu('Leden').click();
    await page.waitForURL(/\/admin\/leden$/);
    await page.waitForFunction(() => document.activeElement.id === 'main');
    assert.deepEqual(await frame(), { id: 'main', boxShadow: 'none', outline: 'none' });
    // Other elements keep their focus ring.
    await menu('Inhoud').focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    assert.notEqual((await frame()).boxShadow, 'none');
  });

  it('exports sign-ups as a CSV file that Dutch Excel splits: semicolons and a byte-order mark', async () => {
    await page.goto(`${server.base}/admin/leden`);
    const href = await page.locator('#export-csv').getAttribute('href');
    const bytes = await page.evaluate(async (u) => [...new Uint8Array(await (await fetch(u)).arrayBuffer())], href);
    assert.deepEqual(bytes.slice(0, 3), [0xef, 0xbb, 0xbf]);
    const text = Buffer.from(bytes.slice(3)).toString('utf8');
    const [header, row] = text.split('\r\n');
    assert.equal(header.split(';').length, 14, header);
    assert.match(row, /;Bram van den Bosch-Oosterhuis;/);
  });

  it('keeps typed text in the browser until saved and offers it back after a crash', async () => {
    const made = await send(page, 'POST', '/api/v1/admin/content', { kind: 'news', title: 'Concept', body: 'Begin.', fields: { author: 'Redactie' } });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const url = `${server.base}/admin/inhoud/${made.body.id}`;
    await page.goto(url);
    await page.getByLabel('Titel').fill('Concept, half af');
    await page.getByLabel('Tekst (Markdown)').fill('Begin.\n\nEen alinea die nog niet is opgeslagen.');
    await page.getByLabel('Auteur').fill('Anna');
    await page.waitForFunction((id) => localStorage.getItem(`oa-cms:concept:${id}`)?.includes('half af'), made.body.id);

    // The tab crashes; the item is opened again in a new one.
    const again = await page.context().newPage();
    await again.goto(url);
    const offer = again.getByRole('region', { name: 'Niet-opgeslagen wijzigingen' });
    await offer.waitFor();
    assert.equal(await again.getByLabel('Titel').inputValue(), 'Concept');
    await shot('concept-terug', again);
    await offer.getByRole('button', { name: 'Terugzetten' }).click();
    await again.locator('#preview p', { hasText: 'Een alinea die nog niet is opgeslagen.' }).waitFor();
    assert.equal(await again.getByLabel('Titel').inputValue(), 'Concept, half af');
    assert.equal(await again.getByLabel('Auteur').inputValue(), 'Anna');

    // Saved: the kept draft is gone, and nothing is offered any more.
    await again.getByRole('button', { name: 'Opslaan' }).click();
    await again.locator('#flash p', { hasText: 'Opgeslagen als versie 2.' }).waitFor();
    const saved = (await send(again, 'GET', `/api/v1/admin/content/${made.body.id}`)).body;
    assert.equal(saved.title, 'Concept, half af');
    assert.equal(saved.fields.author, 'Anna');
    assert.equal(await again.evaluate((id) => localStorage.getItem(`oa-cms:concept:${id}`), made.body.id), null);
    await again.close();
    await page.goto(`${server.base}/admin/inhoud`);
    await page.goto(url);
    await page.getByLabel('Titel').waitFor();
    assert.equal(await page.getByRole('region', { name: 'Niet-opgeslagen wijzigingen' }).count(), 0);
  });

  it('reads an old version in full and compares two word by word, side by side', async () => {
    const made = await send(page, 'POST', '/api/v1/admin/content', { kind: 'news', title: 'Inloop', body: 'De inloop begint om 10:00 uur.\n\nKoffie staat **klaar**.', fields: {} });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const next = await send(page, 'PUT', `/api/v1/admin/content/${made.body.id}`, { ...pick(made.body), body: 'De inloop begint om 10:30 uur.\n\nKoffie staat **klaar**.' }, made.etag);
    assert.equal(next.status, 200, JSON.stringify(next.body));
    await page.goto(`${server.base}/admin/inhoud/${made.body.id}/versies`);

    await page.getByRole('button', { name: 'Versie 1 bekijken' }).click();
    const old = page.getByRole('region', { name: 'Versie 1: Inloop' });
    await old.locator('strong', { hasText: 'klaar' }).waitFor();
    assert.match(await old.innerText(), /10:00 uur/);

    await page.locator('#diff-from').selectOption('1');
    await page.locator('#diff-to').selectOption('2');
    await page.getByRole('button', { name: 'Vergelijken' }).click();
    const body = page.locator('#word-diff tr[data-field="body"]');
    await body.waitFor();
    // One word changed, not the line: only "10:00" is struck out, only "10:30" added.
    assert.deepEqual(await body.locator('td').nth(0).locator('del').allInnerTexts(), ['10:00']);
    assert.deepEqual(await body.locator('td').nth(1).locator('ins').allInnerTexts(), ['10:30']);
    assert.match(await body.locator('td').nth(0).innerText(), /^De inloop begint om 10:00 uur\./);
    assert.match(await body.locator('td').nth(1).innerText(), /^De inloop begint om 10:30 uur\./);
    await shot('versies-woorden');
  });

  it('sorts the list by a column and publishes several items at once, reporting each that failed', async () => {
    const ids = {};
    for (const title of ['Bulk Bravo', 'Bulk Alfa', 'Bulk Charlie']) {
      const r = await send(page, 'POST', '/api/v1/admin/content', { kind: 'news', title, fields: {} });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      ids[title] = r.body;
    }
    const c = ids['Bulk Charlie'];
    assert.equal((await send(page, 'DELETE', `/api/v1/admin/content/${c.id}`, null, `"${c.id}:1"`)).status, 200);

    await page.goto(`${server.base}/admin/inhoud?q=Bulk`);
    const titles = () => page.locator('table.content-list tbody td[data-label="Titel"] a').allInnerTexts();
    await page.locator('table.content-list tbody tr').nth(2).waitFor();
    await page.getByRole('button', { name: 'Titel' }).click();
    await page.locator('th[aria-sort="ascending"]', { hasText: 'Titel' }).waitFor();
    await page.waitForFunction(() => document.querySelector('table.content-list tbody td[data-label="Titel"] a')?.textContent === 'Bulk Alfa');
    assert.deepEqual(await titles(), ['Bulk Alfa', 'Bulk Bravo', 'Bulk Charlie']);
    assert.match(page.url(), /sort=title/);
    await page.getByRole('button', { name: 'Bijgewerkt' }).click();
    await page.locator('th[aria-sort="descending"]', { hasText: 'Bijgewerkt' }).waitFor();
    assert.equal((await titles())[0], 'Bulk Charlie');

    await page.getByRole('checkbox', { name: 'Alle getoonde items kiezen' }).check();
    await page.getByRole('group', { name: 'Met de gekozen items' }).getByText('3 gekozen:').waitFor();
    await page.getByRole('group', { name: 'Met de gekozen items' }).getByRole('button', { name: 'Publiceren' }).click();
    await page.getByRole('dialog', { name: 'Bevestigen' }).getByRole('button', { name: 'Publiceren' }).click();
    await flashText().filter({ hasText: '2 van 3 gepubliceerd.' }).waitFor();
    const failed = page.locator('.bulk-report li');
    await failed.first().waitFor();
    assert.deepEqual(await failed.allInnerTexts(), ['Bulk Charlie: gearchiveerd of in gebruik']);
    await shot('inhoud-bulk');
    for (const title of ['Bulk Alfa', 'Bulk Bravo']) {
      assert.equal((await send(page, 'GET', `/api/v1/admin/content/${ids[title].id}`)).body.status, 'published', title);
    }

    // Taken offline together again, each with its own new ETag.
    await page.getByRole('checkbox', { name: 'Bulk Alfa kiezen' }).check();
    await page.getByRole('checkbox', { name: 'Bulk Bravo kiezen' }).check();
    await page.getByRole('group', { name: 'Met de gekozen items' }).getByRole('button', { name: 'Offline halen' }).click();
    await page.getByRole('dialog', { name: 'Bevestigen' }).getByRole('button', { name: 'Offline halen' }).click();
    await flashText().filter({ hasText: '2 van 2 offline gehaald.' }).waitFor();
    assert.equal((await send(page, 'GET', `/api/v1/admin/content/${ids['Bulk Alfa'].id}`)).body.status, 'draft');
  });

  it('saves with Ctrl+S, and Enter in the title does not save', async () => {
    const made = await send(page, 'POST', '/api/v1/admin/content', { kind: 'news', title: 'Toetsenbord', fields: {} });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    await page.goto(`${server.base}/admin/inhoud/${made.body.id}`);
    const title = page.getByLabel('Titel');
    await title.fill('Toetsenbord en sneltoetsen');
    await title.press('Enter');
    await page.waitForTimeout(500);
    assert.equal((await send(page, 'GET', `/api/v1/admin/content/${made.body.id}`)).body.version, 1);
    assert.equal(await page.locator('#flash p').count(), 0);
    await page.getByLabel('Tekst (Markdown)').fill('Met **Ctrl+S** opgeslagen.');
    await page.keyboard.press('Control+s');
    await flashText().filter({ hasText: 'Opgeslagen als versie 2.' }).waitFor();
    const { body } = await send(page, 'GET', `/api/v1/admin/content/${made.body.id}`);
    assert.equal(body.title, 'Toetsenbord en sneltoetsen');
    assert.equal(body.body, 'Met **Ctrl+S** opgeslagen.');
  });
});
