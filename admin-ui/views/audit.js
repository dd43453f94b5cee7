// Activiteit (admin): who did what to which record, newest first. Records are named by
// their title (an item, a file, a person), details are said in words, and "Door" offers
// the staff by name.

import * as api from '../api.js';
import { h, fill, setTitle, errorBox, timeEl, formatTime, KINDS, ROLES, MEMBER_STATUSES, formatSize } from '../ui.js';

const ACTIONS = {
  create: 'aangemaakt',
  update: 'gewijzigd',
  delete: 'verwijderd',
  publish: 'gepubliceerd',
  unpublish: 'offline gehaald',
  unschedule: 'planning geannuleerd',
  restore: 'versie teruggezet',
  archive: 'gearchiveerd',
  unarchive: 'teruggezet',
  login: 'ingelogd',
  logout: 'uitgelogd',
  erase: 'gewist',
};
const TYPES = {
  content: 'inhoud',
  file: 'bestand',
  membership: 'aanmelding',
  user: 'gebruiker',
  token: 'token',
};

/** What an entry did, in words: a save that changed nothing says so. */
function actionText(e) {
  const d = e.detail || {};
  if (e.action === 'update' && e.record_type === 'content' && d.unchanged === true) return 'opgeslagen, niets gewijzigd';
  if ((e.action === 'publish' || e.action === 'unpublish') && d.at) return e.action === 'publish' ? 'publicatie gepland' : 'offline halen gepland';
  return ACTIONS[e.action] || e.action;
}

/** The entry's details as short Dutch phrases; empty values and internals left out. */
function detailText(e) {
  const d = e.detail && typeof e.detail === 'object' ? e.detail : {};
  const out = [];
  if (d.kind) out.push(KINDS[d.kind] || d.kind);
  if (d.restored_from) out.push(`van versie ${d.restored_from}`);
  if (d.version && d.unchanged !== true) out.push(`versie ${d.version}`);
  if (d.change) out.push(d.change === 'publish' ? 'de geplande publicatie' : 'het geplande offline halen');
  if (d.at) out.push(`${d.change ? 'van' : 'op'} ${formatTime(d.at)}`);
  if (d.status && typeof d.status === 'object') out.push(`status ${MEMBER_STATUSES[d.status.from] || d.status.from} → ${MEMBER_STATUSES[d.status.to] || d.status.to}`);
  if (d.note) out.push(d.note === 'cleared' ? 'notitie gewist' : 'notitie gewijzigd');
  if (Array.isArray(d.changed) && d.changed.length) out.push(`gewijzigd: ${d.changed.map((c) => ({ password: 'wachtwoord', role: 'rol', name: 'naam' })[c] || c).join(', ')}`);
  if (d.role && e.record_type !== 'content') out.push(`rol ${ROLES[d.role] || d.role}`);
  if (d.size) out.push(formatSize(d.size));
  if (d.blob_removed) out.push('bestand van de schijf gehaald');
  return out.join(' · ');
}

/** Names of records by id, fetched once per screen. */
function namer(users) {
  const cache = new Map();
  const byId = new Map(users.map((u) => [u.id, u.name ? `${u.name} (${u.email})` : u.email]));
  const fetchName = async (type, id) => {
    try {
      if (type === 'content') return (await api.get(`/admin/content/${id}`)).data.title;
      if (type === 'file') return (await api.get(`/admin/files/${id}`)).data.filename;
      if (type === 'membership') return (await api.get(`/admin/memberships/${id}`)).data.name;
    } catch {
      return null;
    }
    return null;
  };
  return (e) => {
    const d = e.detail || {};
    if (e.record_type === 'user') return Promise.resolve(byId.get(e.record_id) || d.email || null);
    if (e.record_type === 'token') return Promise.resolve(d.name || null);
    if (e.record_type === 'file' && d.filename) return Promise.resolve(d.filename);
    const key = `${e.record_type}:${e.record_id}`;
    if (!cache.has(key)) cache.set(key, fetchName(e.record_type, e.record_id));
    return cache.get(key);
  };
}

/** The record's cell: its name once known (a link for items and files), else a short id. */
function recordCell(e, nameOf) {
  const cell = h('td', { 'data-label': 'Record' });
  if (!e.record_id) return cell;
  fill(cell, h('span', { class: 'muted' }, '…'));
  nameOf(e).then((name) => {
    const text = name || (e.action === 'erase' ? 'gewiste gegevens' : `(niet meer te vinden) ${e.record_id.slice(0, 8)}`);
    let href = null;
    if (name && e.record_type === 'content') href = `/admin/inhoud/${e.record_id}/versies`;
    if (name && e.record_type === 'file') href = `/admin/bestanden/${e.record_id}`;
    fill(cell, href ? h('a', { href, class: 'record-name' }, text) : h('span', { class: 'record-name' }, text));
  });
  return cell;
}

export default async function audit(root) {
  setTitle('Activiteit');
  const users = await api.get('/admin/users').then(({ data }) => api.itemsOf(data)).catch(() => []);
  const nameOf = namer(users);
  const type = h('select', { id: 'audit-type' }, h('option', { value: '' }, 'Alles'), Object.entries(TYPES).map(([v, l]) => h('option', { value: v }, l)));
  // The staff by name: no whole address to type.
  const actor = h(
    'select',
    { id: 'audit-actor', class: 'audit-actor' },
    h('option', { value: '' }, 'Iedereen'),
    users.map((u) => h('option', { value: u.email }, u.name ? `${u.name} (${u.email})` : u.email)),
  );
  const results = h('div', { 'aria-live': 'polite' });
  let cursor = null;
  const load = async (more) => {
    try {
      const { data } = await api.get(`/admin/audit${api.query({ record_type: type.value, actor: actor.value, limit: 100, cursor: more ? cursor : '' })}`);
      cursor = data && data.next_cursor;
      const rows = api.itemsOf(data).map((e) =>
        h(
          'tr',
          {},
          h('td', { 'data-label': 'Wanneer' }, timeEl(e.at)),
          h('td', { 'data-label': 'Wie' }, e.actor),
          h('td', { 'data-label': 'Wat' }, actionText(e)),
          h('td', { 'data-label': 'Soort' }, TYPES[e.record_type] || e.record_type),
          recordCell(e, nameOf),
          h('td', { 'data-label': 'Details', class: 'audit-detail' }, detailText(e)),
        ),
      );
      let body = results.querySelector('tbody');
      if (!more || !body) {
        body = h('tbody');
        fill(
          results,
          rows.length
            ? h('div', { class: 'table-scroll' }, h('table', { class: 'list audit' }, h('thead', {}, h('tr', {}, ['Wanneer', 'Wie', 'Wat', 'Soort', 'Record', 'Details'].map((t) => h('th', { scope: 'col' }, t)))), body))
            : h('p', { class: 'empty' }, 'Geen activiteit gevonden.'),
        );
      }
      body.append(...rows);
      results.querySelector('.more')?.remove();
      if (cursor) results.append(h('p', { class: 'more' }, h('button', { type: 'button', onclick: () => load(true) }, 'Meer laden')));
    } catch (err) {
      fill(results, errorBox(err));
    }
  };
  type.addEventListener('change', () => load(false));
  actor.addEventListener('change', () => load(false));
  fill(
    root,
    h('h1', {}, 'Activiteit'),
    h('form', { class: 'filters', role: 'search', onsubmit: (e) => { e.preventDefault(); load(false); } },
      h('label', { for: 'audit-type' }, 'Soort'), type,
      h('label', { for: 'audit-actor' }, 'Door'), actor,
      h('button', { type: 'submit' }, 'Filteren')),
    results,
  );
  await load(false);
}
