// Inhoud: the list of content items with filters, and the screens of one item (editor,
// versions, publication), chosen by the address.

import * as api from '../api.js';
import { h, fill, KINDS, STATUSES, statusBadge, timeEl, setTitle, errorBox, debounce } from '../ui.js';
import { can, navigate } from '../app.js';

export default async function content(root, ctx) {
  const [id, tab] = ctx.parts;
  if (id === 'nieuw') return (await import('./editor.js')).default(root, { ...ctx, id: null });
  if (id && tab === 'versies') return (await import('./versions.js')).default(root, { ...ctx, id });
  if (id && tab === 'publiceren') return (await import('./publish.js')).default(root, { ...ctx, id });
  if (id) return (await import('./editor.js')).default(root, { ...ctx, id });
  return list(root, ctx);
}

function options(map, all) {
  return [h('option', { value: '' }, all), ...Object.entries(map).map(([v, l]) => h('option', { value: v }, l))];
}

/** Who saved the latest version. */
export function authorOf(item) {
  return item.updated_by || '';
}

async function list(root, { params }) {
  setTitle('Inhoud');
  const kind = h('select', { id: 'filter-kind', name: 'kind' }, options(KINDS, 'Alle soorten'));
  const status = h('select', { id: 'filter-status', name: 'status' }, options(STATUSES, 'Elke status'));
  const tag = h('input', { id: 'filter-tag', name: 'tag', type: 'text', placeholder: 'tag' });
  const q = h('input', { id: 'filter-q', name: 'q', type: 'search', placeholder: 'Zoek in de titel' });
  kind.value = params.get('kind') || '';
  status.value = params.get('status') || '';
  tag.value = params.get('tag') || '';
  q.value = params.get('q') || '';
  const results = h('div', { class: 'results', 'aria-live': 'polite' });
  const newKind = h('select', { id: 'new-kind', 'aria-label': 'Soort nieuw item' }, Object.entries(KINDS).map(([v, l]) => h('option', { value: v }, l)));

  let cursor = null;
  const load = async (more = false) => {
    const filters = { kind: kind.value, status: status.value, tag: tag.value.trim(), q: q.value.trim() };
    if (!more) {
      const shown = api.query(filters);
      history.replaceState(null, '', `/admin/inhoud${shown}`);
      cursor = null;
    }
    try {
      const { data } = await api.get(`/admin/content${api.query({ ...filters, sort: '-updated_at', limit: 50, cursor: more ? cursor : '' })}`);
      cursor = data && data.next_cursor;
      renderRows(results, api.itemsOf(data), data && data.total, more, () => load(true), cursor);
    } catch (err) {
      fill(results, errorBox(err));
    }
  };
  const reload = () => load(false);
  const reloadSoon = debounce(reload, 300);
  [kind, status].forEach((el) => el.addEventListener('change', reload));
  [tag, q].forEach((el) => el.addEventListener('input', reloadSoon));

  const filterForm = h(
    'form',
    { class: 'filters', role: 'search', onsubmit: (e) => { e.preventDefault(); reload(); } },
    h('label', { for: 'filter-kind' }, 'Soort'), kind,
    h('label', { for: 'filter-status' }, 'Status'), status,
    h('label', { for: 'filter-tag' }, 'Tag'), tag,
    h('label', { for: 'filter-q' }, 'Zoeken'), q,
    h('button', { type: 'submit' }, 'Filteren'),
  );
  fill(
    root,
    h(
      'div',
      { class: 'head' },
      h('h1', {}, 'Inhoud'),
      can('write-content')
        ? h(
            'form',
            { class: 'inline', onsubmit: (e) => { e.preventDefault(); navigate(`inhoud/nieuw?soort=${newKind.value}`); } },
            newKind,
            h('button', { type: 'submit', class: 'primary' }, 'Nieuw item'),
          )
        : null,
    ),
    filterForm,
    results,
  );
  await load(false);
}

function renderRows(results, items, total, more, loadMore, cursor) {
  let table = results.querySelector('table');
  if (!more || !table) {
    if (!items.length) {
      fill(results, h('p', { class: 'empty' }, 'Geen items gevonden.'));
      return;
    }
    table = h(
      'table',
      { class: 'list content-list' },
      h('thead', {}, h('tr', {}, ['Titel', 'Soort', 'Status', 'Bijgewerkt', 'Door'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody'),
    );
    fill(results, total !== undefined && total !== null ? h('p', { class: 'muted count' }, `${total} item${total === 1 ? '' : 's'}`) : null, table);
  }
  const body = table.querySelector('tbody');
  for (const item of items) {
    body.append(
      h(
        'tr',
        { dataset: { id: item.id } },
        h('td', { 'data-label': 'Titel' }, h('a', { href: `/admin/inhoud/${item.id}` }, item.title || '(zonder titel)'), h('div', { class: 'muted small' }, item.slug)),
        h('td', { 'data-label': 'Soort' }, KINDS[item.kind] || item.kind),
        h('td', { 'data-label': 'Status' }, statusBadge(item.status), item.unpublish_at ? h('span', { class: 'muted small' }, ' (gaat offline)') : null),
        h('td', { 'data-label': 'Bijgewerkt' }, timeEl(item.updated_at)),
        h('td', { 'data-label': 'Door' }, authorOf(item)),
      ),
    );
  }
  results.querySelector('.more')?.remove();
  if (cursor) results.append(h('p', { class: 'more' }, h('button', { type: 'button', onclick: loadMore }, 'Meer laden')));
}
