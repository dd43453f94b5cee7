// Versies: the history of an item, a diff of any two versions, and restore.

import * as api from '../api.js';
import { h, fill, setTitle, flash, errorBox, timeEl } from '../ui.js';
import { can, navigate } from '../app.js';
import { loadItem, itemHeader, itemPath, previewButton } from './item.js';
import { sideBySide, readVersion } from './worddiff.js';

const FIELD_LABELS = {
  title: 'Titel',
  slug: 'Slug',
  summary: 'Samenvatting',
  body: 'Tekst',
  tags: 'Tags',
  attachments: 'Bijlagen',
  'fields.position': 'Plaats',
  'fields.parent': 'Valt onder pagina',
  'fields.downloads': 'Downloads',
  'fields.video': 'Video (item)',
  'fields.related': 'Gerelateerde items',
  'fields.tagline': 'Slogan',
  'fields.intro': 'Introductie',
  'fields.sections': 'Secties',
};

function show(value) {
  if (value === null || value === undefined) return h('span', { class: 'muted' }, '(leeg)');
  if (typeof value === 'string') return h('pre', {}, value);
  return h('pre', {}, JSON.stringify(value, null, 2));
}

export function renderDiff(diff) {
  const out = h('div', { class: 'diff', id: 'diff', 'aria-live': 'polite' });
  const changed = diff.changed_fields || [];
  out.append(
    h('h2', {}, `Versie ${diff.from} → versie ${diff.to}`),
    changed.length
      ? h('p', {}, 'Gewijzigd: ', changed.map((f) => FIELD_LABELS[f] || f).join(', '))
      : h('p', { class: 'muted' }, 'Geen verschillen.'),
  );
  if ((diff.changes || []).length) {
    out.append(
      h(
        'table',
        { class: 'changes' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Veld'), h('th', { scope: 'col' }, `Versie ${diff.from}`), h('th', { scope: 'col' }, `Versie ${diff.to}`))),
        h(
          'tbody',
          {},
          diff.changes.map((c) =>
            h('tr', {}, h('th', { scope: 'row' }, FIELD_LABELS[c.field] || c.field), h('td', {}, h('del', {}, show(c.from))), h('td', {}, h('ins', {}, show(c.to)))),
          ),
        ),
      ),
    );
  }
  if ((diff.body_diff || []).length) {
    out.append(
      h('h3', {}, 'Tekst'),
      h(
        'div',
        { class: 'body-diff' },
        diff.body_diff.map((l) => {
          const op = l.op === 'insert' || l.op === 'delete' ? l.op : 'equal';
          const tag = op === 'insert' ? 'ins' : op === 'delete' ? 'del' : 'span';
          return h(tag, { class: `line line-${op}` }, l.text.replace(/\n$/, '') || ' ');
        }),
      ),
    );
  }
  return out;
}

export default async function versions(root, { id }) {
  const { item, etag } = await loadItem(id);
  setTitle(`Versies · ${item.title}`);
  const { data } = await api.get(`/admin/content/${encodeURIComponent(id)}/versions`);
  const list = data.versions || api.itemsOf(data);
  const newest = list.length ? Math.max(...list.map((v) => v.version)) : 1;
  const from = h('select', { id: 'diff-from' }, list.map((v) => h('option', { value: v.version }, `versie ${v.version}`)));
  const to = h('select', { id: 'diff-to' }, list.map((v) => h('option', { value: v.version }, `versie ${v.version}`)));
  from.value = String(Math.max(1, newest - 1));
  to.value = String(newest);
  const diffOut = h('div');
  const reader = h('div', { 'aria-live': 'polite' });
  const version = async (n) => (await api.get(`/admin/content/${encodeURIComponent(id)}/versions/${n}`)).data;
  const compare = async () => {
    try {
      const r = await api.get(`/admin/content/${encodeURIComponent(id)}/diff${api.query({ from: from.value, to: to.value })}`);
      const [a, b] = await Promise.all([version(from.value), version(to.value)]);
      fill(diffOut, sideBySide(a, b), renderDiff(r.data));
    } catch (err) {
      fill(diffOut, errorBox(err));
    }
  };
  const restore = async (n) => {
    // One click: restoring adds a version and loses nothing, so there is nothing to confirm.
    try {
      const r = await api.post(`/admin/content/${encodeURIComponent(id)}/versions/${n}/restore`, undefined, { etag });
      flash(`Versie ${n} is teruggezet als versie ${r.data && r.data.version ? r.data.version : newest + 1}.`);
      navigate(itemPath(item, 'versies'), { replace: true });
    } catch (err) {
      if (err.status === 412) {
        flash('Iemand anders heeft dit item intussen opgeslagen; de lijst is bijgewerkt.', 'warn');
        navigate(itemPath(item, 'versies'), { replace: true });
      } else flash(err.message, 'warn');
    }
  };
  const writable = can('write-content') && item.status !== 'archived';
  fill(
    root,
    itemHeader(item, 'versies'),
    h(
      'table',
      { class: 'list versions' },
      h('thead', {}, h('tr', {}, ['Versie', 'Opgeslagen', 'Door', 'Opmerking', 'Titel', 'Live', ''].map((t) => h('th', { scope: 'col' }, t || h('span', { class: 'sr-only' }, 'Acties'))))),
      h(
        'tbody',
        {},
        list.map((v) => {
          // The links a version's Voorbeeld makes show under the row's buttons.
          const links = h('div', { class: 'preview-links', 'aria-live': 'polite' });
          return h(
            'tr',
            { dataset: { version: v.version } },
            h('td', { 'data-label': 'Versie' }, String(v.version)),
            h('td', { 'data-label': 'Opgeslagen' }, timeEl(v.created_at)),
            h('td', { 'data-label': 'Door' }, v.author),
            h('td', { 'data-label': 'Opmerking' }, v.comment || ''),
            h('td', { 'data-label': 'Titel' }, v.title || ''),
            h('td', { 'data-label': 'Live', class: 'live-marker' }, v.version === item.published_version ? 'live' : ''),
            h(
              'td',
              { class: 'version-actions' },
              h('button', { type: 'button', class: 'read', onclick: () => readVersion(reader, id, v.version), 'aria-label': `Versie ${v.version} bekijken` }, 'Bekijken'),
              ' ',
              item.status === 'archived' ? null : previewButton(item, v.version, `Voorbeeld van versie ${v.version}`, links),
              ' ',
              writable && v.version !== newest
                ? h('button', { type: 'button', class: 'restore', onclick: () => restore(v.version), 'aria-label': `Versie ${v.version} terugzetten`, title: `Maakt versie ${newest + 1} met de inhoud van versie ${v.version}` }, 'Terugzetten')
                : null,
              links,
            ),
          );
        }),
      ),
    ),
    list.length > 1
      ? h(
          'form',
          { class: 'filters', onsubmit: (e) => { e.preventDefault(); compare(); } },
          h('label', { for: 'diff-from' }, 'Vergelijk'),
          from,
          h('label', { for: 'diff-to' }, 'met'),
          to,
          h('button', { type: 'submit', class: 'primary' }, 'Vergelijken'),
        )
      : h('p', { class: 'muted' }, 'Er is nog maar één versie.'),
    reader,
    diffOut,
  );
}
