// The editor of one item: common fields, the kind's own fields, Markdown with a preview
// rendered by the server, attachments, a comment per save. Saves send If-Match; when
// someone else saved in between, what was typed stays and the editor offers a choice.

import * as api from '../api.js';
import {
  h, fill, field, KINDS, setTitle, flash, errorBox, showFieldErrors, clearFieldErrors,
  confirmDialog, formatTime, errorText,
} from '../ui.js';
import { can, navigate, setLeaveGuard } from '../app.js';
import { loadItem, itemHeader, itemPath } from './item.js';
import { kindFields, attachments } from './fields.js';
import { markdownField } from './markdown.js';
import { bare, docOf, mergeDocs, keptFromTheirs, labeller, chooseConflicts } from './merge.js';
import { draftKeeper, restoring } from './draft.js';

export default async function editor(root, { id, params }) {
  let item = null;
  let etag = null;
  if (id) {
    ({ item, etag } = await loadItem(id));
  }
  const kind = item ? item.kind : params.get('soort') || 'news';
  if (!KINDS[kind]) throw new Error(`Onbekende soort: ${kind}`);
  if (!item && kind === 'home') throw new Error('Er is maar één homepagina; kies Homepagina in het menu.');
  const isHome = kind === 'home';
  const readOnly = !can('write-content') || (item && item.status === 'archived');
  setTitle(item ? item.title : `Nieuw: ${KINDS[kind]}`);

  const dis = { disabled: readOnly };
  // A draft kept in this browser, chosen to be restored: the form starts from it.
  const restored = readOnly ? null : restoring(item, kind);
  const src = restored ? { ...(item || {}), ...restored, body_html: undefined } : item;
  const title = h('input', { type: 'text', maxlength: 200, value: src?.title ?? '', ...dis });
  const slug = h('input', { type: 'text', value: src?.slug ?? '', pattern: '[a-z0-9]+(-[a-z0-9]+)*', ...dis });
  const summary = h('textarea', { rows: 3, maxlength: 1000, ...dis });
  summary.value = src?.summary ?? '';
  const tags = h('input', { type: 'text', value: (src?.tags || []).join(', '), ...dis });
  // The home page shows its intro, not a body: it has no body field here.
  const md = isHome
    ? null
    : markdownField('Tekst (Markdown)', src?.body, {
        name: 'body',
        previewId: 'preview',
        readOnly,
        selfId: item?.id,
        initialHtml: src?.body_html,
      });
  const body = md && md.textarea;
  const own = kindFields(kind, src?.fields || {}, readOnly, { selfId: item?.id, isNew: !item });
  const atts = attachments(src?.attachments || [], readOnly);
  const comment = h('input', { type: 'text', maxlength: 500, placeholder: 'Wat heb je veranderd?', ...dis });
  const summaryBox = h('div', { class: 'form-errors', 'aria-live': 'assertive' });
  const conflictBox = h('div', { class: 'conflict-box', 'aria-live': 'assertive' });
  const saveButton = h('button', { type: 'submit', class: 'primary' }, item ? 'Opslaan' : 'Aanmaken');

  const read = () => {
    if (isHome) {
      // The home page edits its title and fields; the rest of its document stays as it is.
      const doc = {
        title: title.value.trim(),
        summary: item.summary || '',
        body: item.body || '',
        tags: item.tags || [],
        attachments: item.attachments || [],
        fields: own.read(),
      };
      if (comment.value.trim()) doc.comment = comment.value.trim();
      return doc;
    }
    const doc = {
      title: title.value.trim(),
      summary: summary.value,
      body: body.value,
      tags: tags.value.split(',').map((t) => t.trim()).filter(Boolean),
      attachments: atts.read(),
      fields: own.read(),
    };
    if (slug.value.trim()) doc.slug = slug.value.trim();
    if (comment.value.trim()) doc.comment = comment.value.trim();
    return doc;
  };

  const form = h(
    'form',
    { class: 'editor', novalidate: true },
    summaryBox,
    conflictBox,
    isHome
      ? h(
          'div',
          { class: 'home-editor' },
          field('Naam van de website', title, { name: 'title', required: true }),
          own.el,
        )
      : h(
          'div',
          { class: 'cols' },
          h(
            'div',
            { class: 'col-main' },
            field('Titel', title, { name: 'title', required: true }),
            field('Slug (adres)', slug, { name: 'slug', hint: 'Kleine letters, cijfers en streepjes; leeg laten maakt er een van de titel.' }),
            field('Samenvatting', summary, { name: 'summary' }),
            md.el,
          ),
          h(
            'div',
            { class: 'col-side' },
            h('fieldset', { class: 'group' }, h('legend', {}, KINDS[kind]), own.el),
            field('Tags', tags, { name: 'tags', hint: 'Gescheiden door komma’s.' }),
            atts.el,
          ),
        ),
    readOnly
      ? null
      : h(
          'div',
          { class: 'save-bar' },
          field('Opmerking bij deze versie', comment, { name: 'comment' }),
          saveButton,
        ),
  );

  const showConflict = async (mine) => {
    let latest = null;
    try {
      latest = await loadItem(id);
    } catch {
      latest = null;
    }
    let who = '';
    try {
      const { data } = await api.get(`/admin/content/${id}/versions`);
      const versions = data.versions || api.itemsOf(data);
      const last = versions.reduce((a, b) => (!a || b.version > a.version ? b : a), null);
      if (last) who = ` door ${last.author} (${formatTime(last.created_at)})`;
    } catch {
      who = '';
    }
    const differs = [];
    if (latest) {
      const l = latest.item;
      if (l.title !== mine.title) differs.push('titel');
      if ((l.summary || '') !== mine.summary) differs.push('samenvatting');
      if ((l.body || '') !== mine.body) differs.push('tekst');
      if ((l.tags || []).join(',') !== mine.tags.join(',')) differs.push('tags');
      if (JSON.stringify(l.attachments || []) !== JSON.stringify(mine.attachments)) differs.push('bijlagen');
      if (JSON.stringify(bare(l.fields)) !== JSON.stringify(bare(mine.fields))) differs.push(isHome ? 'inhoud van de homepagina' : `velden van ${KINDS[kind].toLowerCase()}`);
    }
    fill(
      conflictBox,
      h(
        'div',
        { class: 'warn-box', role: 'alert' },
        h('h2', {}, 'Iemand anders heeft dit item intussen opgeslagen'),
        h(
          'p',
          {},
          `Er is nu een versie ${latest ? latest.item.version : ''}${who}. `,
          'Wat jij hebt getypt staat nog in het formulier en is niet opgeslagen.',
        ),
        differs.length ? h('p', {}, `Jouw tekst verschilt van de nieuwste versie in: ${differs.join(', ')}.`) : null,
        h(
          'div',
          { class: 'actions' },
          h('button', {
            type: 'button',
            class: 'load-latest',
            onclick: async () => {
              if (await confirmDialog('De nieuwste versie laden? Wat je hebt getypt gaat dan verloren.', { confirm: 'Nieuwste laden', danger: true })) {
                saved();
                navigate(itemPath(item), { replace: true });
              }
            },
          }, 'Nieuwste versie laden'),
          h('button', {
            type: 'button',
            class: 'danger overwrite',
            onclick: () => latest && saveMerged(latest),
          }, 'Mijn versie toch opslaan'),
          h('a', { href: itemPath(item, 'versies'), target: '_blank', rel: 'noopener' }, 'Versies bekijken (nieuw tabblad)'),
        ),
      ),
    );
    conflictBox.querySelector('button').focus();
  };

  /**
   * Saves what was typed over the other's save, field by field: their changes to fields
   * this editor did not touch stay; fields both changed are chosen side by side first.
   */
  const saveMerged = async (latest) => {
    const base = docOf(item);
    const mine = read();
    const theirs = docOf(latest.item);
    const labelOf = labeller(form);
    const { doc, conflicts } = mergeDocs(base, mine, theirs);
    if (conflicts.length) {
      if (!(await chooseConflicts(conflictBox, conflicts, labelOf))) return;
    } else {
      const kept = keptFromTheirs(base, mine, theirs, labelOf);
      const question = kept.length
        ? `Jouw wijzigingen opslaan als nieuwste? Wat de ander wijzigde in ${kept.join(', ').toLowerCase()} blijft staan.`
        : 'Jouw versie opslaan als nieuwste? De wijzigingen van de ander blijven terug te vinden bij Versies.';
      if (!(await confirmDialog(question, { confirm: 'Toch opslaan', danger: true }))) return;
    }
    etag = latest.etag;
    conflictBox.replaceChildren();
    save(doc);
  };

  const save = async (merged = null) => {
    const doc = merged || read();
    summaryBox.replaceChildren();
    clearFieldErrors(form);
    saveButton.disabled = true;
    try {
      if (!item) {
        const res = await api.post('/admin/content', { kind, ...doc });
        flash(`Aangemaakt als versie ${res.data.version}.`);
        saved();
        navigate(`/admin/inhoud/${res.data.id}`, { replace: true });
        return;
      }
      const before = item.version;
      const res = await api.put(`/admin/content/${id}`, doc, { etag });
      item = res.data;
      etag = res.etag || `"${item.id}:${item.version}"`;
      comment.value = '';
      saved();
      // A merged save holds more than the form shows: show what was saved.
      if (merged) navigate(itemPath(item), { replace: true });
      fill(header, itemHeader(item, ''));
      flash(res.data.unchanged || item.version === before ? 'Geen wijzigingen: er is geen nieuwe versie gemaakt.' : `Opgeslagen als versie ${item.version}.`);
    } catch (err) {
      if (err.status === 412) {
        await showConflict(doc);
      } else if (err.errors.length) {
        const orphans = showFieldErrors(form, err.errors);
        fill(
          summaryBox,
          h(
            'div',
            { class: 'error-box', role: 'alert' },
            h('strong', {}, err.status === 409 ? 'Dat bestaat al. ' : 'Niet opgeslagen: controleer de gemarkeerde velden.'),
            orphans.length ? h('ul', {}, orphans.map((o) => h('li', {}, `${o.field}: ${errorText(o)}`))) : null,
          ),
        );
      } else {
        fill(summaryBox, errorBox(err));
      }
    } finally {
      saveButton.disabled = false;
    }
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    save();
  });
  // Keyboard: Ctrl+S (Cmd+S) saves; Enter in a one-line field does not.
  form.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 's') {
      e.preventDefault();
      if (!readOnly && !saveButton.disabled) save();
    } else if (e.key === 'Enter' && e.target instanceof HTMLInputElement && !['button', 'submit', 'checkbox', 'radio'].includes(e.target.type)) {
      e.preventDefault();
    }
  });
  // Typed but not saved: leaving asks first, and the form is kept in this browser.
  const keeper = draftKeeper(item, kind, read, restored ? null : read());
  let dirty = Boolean(restored);
  if (restored) keeper.changed();
  form.addEventListener('input', () => {
    dirty = true;
    keeper.changed();
  });
  form.addEventListener('change', () => {
    dirty = true;
    keeper.changed();
  });
  setLeaveGuard(() => dirty);
  const saved = () => {
    dirty = false;
    keeper.clear();
  };

  const header = h('div');
  if (item) fill(header, itemHeader(item, ''));
  else fill(header, h('p', { class: 'crumbs' }, h('a', { href: '/admin/inhoud' }, 'Inhoud'), ' › nieuw'), h('h1', {}, `Nieuw: ${KINDS[kind]}`));
  fill(
    root,
    header,
    readOnly && item && item.status === 'archived' ? h('p', { class: 'warn-box' }, 'Dit item is gearchiveerd; zet het terug om het te bewerken.') : null,
    readOnly || restored ? null : keeper.offer(() => navigate(location.pathname + location.search, { replace: true })),
    form,
    // The home page is not archived from here (the site needs it); an archived one comes back.
    item && can('write-content') && (!isHome || item.status === 'archived') ? archiveControls(item, () => etag) : null,
  );
  if (!item) title.focus();
}

function archiveControls(item, currentEtag) {
  const archived = item.status === 'archived';
  return h(
    'div',
    { class: 'archive' },
    h(
      'button',
      {
        type: 'button',
        class: archived ? '' : 'danger',
        onclick: async () => {
          try {
            if (archived) {
              await api.post(`/admin/content/${item.id}/unarchive`, undefined, { etag: currentEtag() });
              flash('Teruggezet als concept.');
            } else {
              if (!(await confirmDialog('Dit item archiveren? Het verdwijnt dan van de website.', { confirm: 'Archiveren', danger: true }))) return;
              await api.del(`/admin/content/${item.id}`, { etag: currentEtag() });
              flash('Gearchiveerd.');
            }
            navigate(itemPath(item), { replace: true });
          } catch (err) {
            flash(err.status === 412 ? 'Iemand anders heeft dit item intussen opgeslagen; laad de pagina opnieuw.' : err.message, 'warn');
          }
        },
      },
      archived ? 'Terugzetten als concept' : 'Archiveren',
    ),
  );
}
