// Every screen of the admin through axe-core, at a laptop's and a phone's width: no critical
// and no serious violations, and no empty table header. Each screen at each width leaves a screenshot in screenshots/
// (run after admin.test.mjs, which empties that folder first).

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { shots, launch, startServer, login, send, signUp } from './support.mjs';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WIDTHS = [1280, 390];

describe('accessibility of every screen', () => {
  let server;
  let browser;
  let page;
  let anonymous;
  const ids = {};

  before(async () => {
    mkdirSync(shots, { recursive: true });
    server = await startServer();
    browser = await launch();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nl-NL', timezoneId: 'UTC' });
    page = await context.newPage();
    anonymous = await (await browser.newContext({ locale: 'nl-NL' })).newPage();
    await login(page, server);
    // Something on every screen: an item with versions, a file, a sign-up, a user, a token.
    const made = await send(page, 'POST', '/api/v1/admin/content', { kind: 'news', title: 'Toegankelijk nieuws', body: 'Eerste tekst.', fields: {} });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    ids.item = made.body.id;
    const saved = await send(page, 'PUT', `/api/v1/admin/content/${ids.item}`, { title: 'Toegankelijk nieuws', summary: '', body: 'Tweede tekst.', tags: [], attachments: [], fields: {} }, made.etag);
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    ids.file = await page.evaluate(async () => {
      const form = new FormData();
      form.append('file', new Blob(['Notulen\n'], { type: 'text/plain' }), 'notulen.txt');
      return (await (await fetch('/api/v1/admin/files', { method: 'POST', body: form })).json()).id;
    });
    await signUp(server, { name: 'Sanne Jansen', email: 'sanne@example.org', organisation: 'OBS De Linde' });
    ids.member = (await send(page, 'GET', '/api/v1/admin/memberships')).body.items[0].id;
    const user = await send(page, 'POST', '/api/v1/admin/users', { email: 'redactie@onderwijsalliantie.nl', name: 'Redactie', role: 'editor', password: 'een lang en sterk wachtwoord' });
    assert.equal(user.status, 201, JSON.stringify(user.body));
    const token = await send(page, 'POST', '/api/v1/admin/tokens', { name: 'website', role: 'read' });
    assert.equal(token.status, 201, JSON.stringify(token.body));
    const hook = await send(page, 'POST', '/api/v1/admin/webhooks', { url: 'https://example.org/hook', events: ['content.published'], description: 'Website' });
    assert.equal(hook.status, 201, JSON.stringify(hook.body));
    ids.hook = hook.body.id;
    assert.equal((await send(page, 'POST', `/api/v1/admin/webhooks/${ids.hook}/test`, {})).status, 202);
  });

  after(async () => {
    await browser?.close();
    server?.child.kill('SIGTERM');
    if (server) rmSync(server.dataDir, { recursive: true, force: true });
  });

  /** [name, path, what shows the screen is ready, signed in] */
  const screens = () => [
    ['inloggen', '/admin/inloggen', 'form', false],
    ['inhoud', '/admin/inhoud', 'table.list', true],
    ...['news', 'manifest', 'download', 'video', 'page', 'location'].map((kind) => [`nieuw-${kind}`, `/admin/inhoud/nieuw?soort=${kind}`, 'form.editor', true]),
    ['editor', `/admin/inhoud/${ids.item}`, 'form.editor', true],
    ['versies', `/admin/inhoud/${ids.item}/versies`, 'tr[data-version="2"]', true],
    ['publiceren', `/admin/inhoud/${ids.item}/publiceren`, '.publish-form', true],
    ['homepagina', '/admin/homepagina', 'form.editor', true],
    ['bestanden', '/admin/bestanden', 'table.list', true],
    ['bestand', `/admin/bestanden/${ids.file}`, '#file-detail h2', true],
    ['leden', '/admin/leden', 'table.members', true],
    ['aanmelding', `/admin/leden/${ids.member}`, '#member-detail h2', true],
    ['gebruikers', '/admin/gebruikers', 'table.users', true],
    ['tokens', '/admin/tokens', 'table.tokens', true],
    ['activiteit', '/admin/activiteit', 'table.audit', true],
    ['webhooks', '/admin/webhooks', 'table.webhooks', true],
    ['webhook-log', `/admin/webhooks/${ids.hook}`, 'table.deliveries', true],
  ];

  for (const width of WIDTHS) {
    it(`has no critical or serious axe violations, nor an empty table header, at ${width} px`, async () => {
      const found = [];
      for (const [name, path, ready, signedIn] of screens()) {
        const p = signedIn ? page : anonymous;
        await p.setViewportSize({ width, height: width > 800 ? 900 : 844 });
        await p.goto(`${server.base}${path}`);
        await p.locator(ready).first().waitFor();
        // Let lazy parts settle (previews, names in the log).
        await p.waitForTimeout(300);
        if (!(await p.evaluate(() => typeof window.axe !== 'undefined'))) await p.evaluate(axeSource);
        const violations = await p.evaluate(async () => {
          const r = await window.axe.run(document, { resultTypes: ['violations'] });
          return r.violations
            // Critical and serious ones, and an empty table header (minor to axe, but named by staff).
            .filter((v) => v.impact === 'critical' || v.impact === 'serious' || v.id === 'empty-table-header')
            .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
        });
        found.push(...violations.map((v) => `${name}: ${v}`));
        await p.screenshot({ path: join(shots, `a11y-${name}-${width}.png`), fullPage: true });
      }
      assert.deepEqual(found, [], found.join('\n'));
    });
  }
});
