// Activiteit (admin): who did what to which record, newest first.

import * as api from '../api.js';
import { h, fill, setTitle, errorBox, timeEl, debounce } from '../ui.js';

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

function detailText(detail) {
  if (!detail || typeof detail !== 'object') return '';
  return Object.entries(detail)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' · ');
}

function recordLink(e) {
  if (!e.record_id) return '';
  if (e.record_type === 'content') return h('a', { href: `/admin/inhoud/${e.record_id}/versies` }, e.record_id);
  return h('code', { class: 'id' }, e.record_id);
}

export default async function audit(root) {
  setTitle('Activiteit');
  const type = h('select', { id: 'audit-type' }, h('option', { value: '' }, 'Alles'), Object.entries(TYPES).map(([v, l]) => h('option', { value: v }, l)));
  const actor = h('input', { id: 'audit-actor', type: 'search', placeholder: 'e-mailadres' });
  const results = h('div', { 'aria-live': 'polite' });
  let cursor = null;
  const load = async (more) => {
    try {
      const { data } = await api.get(`/admin/audit${api.query({ record_type: type.value, actor: actor.value.trim(), limit: 100, cursor: more ? cursor : '' })}`);
      cursor = data && data.next_cursor;
      const rows = api.itemsOf(data).map((e) =>
        h(
          'tr',
          {},
          h('td', { 'data-label': 'Wanneer' }, timeEl(e.at)),
          h('td', { 'data-label': 'Wie' }, e.actor),
          h('td', { 'data-label': 'Wat' }, ACTIONS[e.action] || e.action),
          h('td', { 'data-label': 'Soort' }, TYPES[e.record_type] || e.record_type),
          h('td', { 'data-label': 'Record' }, recordLink(e)),
          h('td', { 'data-label': 'Details', class: 'detail-json' }, detailText(e.detail)),
        ),
      );
      let body = results.querySelector('tbody');
      if (!more || !body) {
        body = h('tbody');
        fill(
          results,
          rows.length
            ? h('table', { class: 'list audit' }, h('thead', {}, h('tr', {}, ['Wanneer', 'Wie', 'Wat', 'Soort', 'Record', 'Details'].map((t) => h('th', { scope: 'col' }, t)))), body)
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
  actor.addEventListener('input', debounce(() => load(false), 300));
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
