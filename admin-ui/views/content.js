// Inhoud: the list of content items with filters, and the screens of one item (editor,
// versions, publication), chosen by the address.

import * as api from '../api.js';
import {
  h, fill, KINDS, LISTED_KINDS, POSITIONED_KINDS, STATUSES, statusBadge, timeEl, setTitle, errorBox, debounce, flash,
  announce,
} from '../ui.js';
import { can, navigate } from '../app.js';
import { loadItem } from './item.js';
import { itemInfo } from './refs.js';
import { bulkBar } from './bulk.js';

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
  const newKind = h('select', { id: 'new-kind', 'aria-label': 'Soort nieuw item' }, Object.entries(LISTED_KINDS).map(([v, l]) => h('option', { value: v }, l)));

  let cursor = null;
  let seq = 0;
  // Sorted by the server (so "Meer laden" continues the same order): newest first unless chosen.
  let sort = ['title', 'updated_at', '-updated_at'].includes(params.get('sort')) ? params.get('sort') : '-updated_at';
  const writable = can('write-content');
  const bulk = writable ? bulkBar(() => [...results.querySelectorAll('input.pick:checked')].map((c) => ({ id: c.value, title: c.dataset.title })), () => load(false)) : null;
  const listing = {
    writable,
    sort: () => sort,
    onSort: (s) => {
      sort = s;
      load(false);
    },
    onTick: () => bulk && bulk.refresh(),
  };
  const load = async (more = false) => {
    const mine = (seq += 1);
    const filters = { kind: kind.value, status: status.value, tag: tag.value.trim(), q: q.value.trim() };
    if (!more) {
      const shown = api.query({ ...filters, sort: sort === '-updated_at' ? '' : sort });
      history.replaceState(null, '', `/admin/inhoud${shown}`);
      cursor = null;
    }
    const positioned = POSITIONED_KINDS.includes(filters.kind);
    try {
      if (positioned && !filters.status && !filters.tag && !filters.q) {
        const items = await loadAll(filters.kind);
        if (mine === seq) renderOrder(results, filters.kind, items, reload);
        return;
      }
      const { data } = await api.get(`/admin/content${api.query({ ...filters, sort, limit: 50, cursor: more ? cursor : '' })}`);
      if (mine !== seq) return;
      cursor = data && data.next_cursor;
      renderRows(results, api.itemsOf(data), data && data.total, more, () => load(true), cursor, listing);
      listing.onTick();
      if (positioned && !more) {
        results.prepend(h('p', { class: 'hint order-hint' }, 'Om de volgorde te wijzigen: kies alleen de soort, zonder status, tag of zoekterm.'));
      }
    } catch (err) {
      if (mine === seq) fill(results, errorBox(err));
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
    bulk ? bulk.el : null,
    results,
  );
  await load(false);
}

/**
 * A column heading that sorts the list; `ways` are its sorts as [sort, 'ascending' or
 * 'descending'], the first chosen first, a click on the active one taking the next.
 */
function sortHeading(label, listing, ways) {
  const now = listing.sort();
  const at = ways.findIndex(([s]) => s === now);
  const next = ways[(at + 1) % ways.length][0];
  const direction = at >= 0 ? ways[at][1] : null;
  return h(
    'th',
    { scope: 'col', 'aria-sort': direction },
    h('button', { type: 'button', class: 'sort', onclick: () => listing.onSort(next) }, label, direction ? (direction === 'ascending' ? ' ▲' : ' ▼') : ''),
  );
}

function renderRows(results, items, total, more, loadMore, cursor, listing) {
  let table = results.querySelector('table');
  if (!more || !table) {
    if (!items.length) {
      fill(results, h('p', { class: 'empty' }, 'Geen items gevonden.'));
      return;
    }
    const all = listing.writable
      ? h('input', {
        type: 'checkbox',
        class: 'pick-all',
        'aria-label': 'Alle getoonde items kiezen',
        onchange: (e) => {
          results.querySelectorAll('input.pick').forEach((c) => {
            c.checked = e.target.checked;
          });
          listing.onTick();
        },
      })
      : null;
    table = h(
      'table',
      { class: 'list content-list' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          all ? h('th', { scope: 'col', class: 'pick-col' }, all) : null,
          sortHeading('Titel', listing, [['title', 'ascending']]),
          h('th', { scope: 'col' }, 'Soort'),
          h('th', { scope: 'col' }, 'Status'),
          sortHeading('Bijgewerkt', listing, [['-updated_at', 'descending'], ['updated_at', 'ascending']]),
          h('th', { scope: 'col' }, 'Door'),
        ),
      ),
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
        listing.writable
          ? h('td', { class: 'pick-col' }, h('input', { type: 'checkbox', class: 'pick', value: item.id, dataset: { title: item.title || '' }, 'aria-label': `${item.title || 'Item'} kiezen`, onchange: listing.onTick }))
          : null,
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

/** Statuses of items that have a place in the order: everything but archived. */
const ORDERED_STATUSES = 'draft,scheduled,published,changed';

/** Every item of a kind that is not archived, page by page. */
async function loadAll(kind) {
  const all = [];
  let cursor = '';
  do {
    const { data } = await api.get(`/admin/content${api.query({ kind, status: ORDERED_STATUSES, sort: 'title', limit: 100, cursor })}`);
    all.push(...api.itemsOf(data));
    cursor = (data && data.next_cursor) || '';
  } while (cursor);
  return all.sort(byPosition);
}

const positionOf = (item) => (item.fields && Number.isInteger(item.fields.position) ? item.fields.position : null);

/** The public order of `sort=position`: by position (none last), then by title. */
function byPosition(a, b) {
  const pa = positionOf(a);
  const pb = positionOf(b);
  if (pa !== pb) {
    if (pa === null) return 1;
    if (pb === null) return -1;
    return pa - pb;
  }
  return (a.title || '').localeCompare(b.title || '', 'nl');
}

const PLURAL = { page: 'pagina’s', location: 'ontwikkelplekken', download: 'downloads' };

/**
 * The items of one kind in their order, each movable up and down. A move saves the new
 * positions (each a normal save with If-Match), and publishes those whose latest version
 * was live when that is chosen, so the website follows at once.
 */
function renderOrder(results, kind, items, reload) {
  const writable = can('write-content');
  const publishLive = h('input', { type: 'checkbox', id: 'order-publish', checked: true });
  const status = h('p', { class: 'order-status', role: 'status' });
  const body = h('tbody');
  let busy = false;

  const save = async (order) => {
    // Distinct positions: the two neighbours swap theirs. Otherwise all are numbered anew.
    const numbers = order.map(positionOf);
    const distinct = numbers.every((n) => n !== null) && new Set(numbers).size === numbers.length;
    const wanted = new Map();
    if (distinct) {
      const sorted = [...numbers].sort((x, y) => x - y);
      order.forEach((it, i) => wanted.set(it.id, sorted[i]));
    } else {
      order.forEach((it, i) => wanted.set(it.id, i));
    }
    const changes = order.filter((it) => wanted.get(it.id) !== positionOf(it));
    const notLive = [];
    for (const [n, listed] of changes.entries()) {
      status.textContent = `Opslaan… (${n + 1} van ${changes.length})`;
      const { item, etag } = await loadItem(listed.id);
      const wasLive = item.status === 'published';
      const doc = {
        title: item.title,
        slug: item.slug,
        summary: item.summary || '',
        body: item.body || '',
        tags: item.tags || [],
        attachments: item.attachments || [],
        fields: { ...item.fields, position: wanted.get(item.id) },
        comment: 'Volgorde gewijzigd',
      };
      const res = await api.put(`/admin/content/${item.id}`, doc, { etag });
      let now = res.data;
      if (wasLive && publishLive.checked) {
        const pub = await api.post(`/admin/content/${item.id}/publish`, { version: now.version }, { etag: res.etag || `"${now.id}:${now.version}"` });
        now = pub.data;
      } else if (item.published_version || item.publish_at) {
        notLive.push(item.title);
      }
      Object.assign(listed, {
        fields: now.fields,
        status: now.status,
        version: now.version,
        updated_at: now.updated_at,
        updated_by: now.updated_by,
        published_version: now.published_version,
      });
    }
    return notLive;
  };

  const move = async (index, dir) => {
    if (busy) return;
    const j = index + dir;
    if (j < 0 || j >= items.length) return;
    busy = true;
    const moved = items[index];
    const order = [...items];
    [order[index], order[j]] = [order[j], order[index]];
    draw(true);
    try {
      const notLive = await save(order);
      items.sort(byPosition);
      const text = notLive.length
        ? `Volgorde opgeslagen. Nog niet live met de nieuwe plaats: ${notLive.join(', ')} (publiceer die apart).`
        : 'Volgorde opgeslagen.';
      flash(text, notLive.length ? 'warn' : 'ok');
      status.textContent = '';
      announce(`${moved.title} staat nu op plaats ${items.indexOf(moved) + 1} van ${items.length}.`);
      busy = false;
      draw(false);
      const row = body.querySelector(`tr[data-id="${CSS.escape(moved.id)}"]`);
      const again = row && row.querySelector(dir < 0 ? '.move-up:not(:disabled)' : '.move-down:not(:disabled)');
      (again || (row && row.querySelector('.move:not(:disabled)')))?.focus();
    } catch (err) {
      busy = false;
      status.textContent = '';
      flash(err.status === 412 ? 'Iemand anders heeft intussen een van deze items opgeslagen; de lijst is opnieuw geladen.' : `Volgorde niet (helemaal) opgeslagen: ${err.message}`, 'warn');
      reload();
    }
  };

  // A page under another says so (the website orders pages among their siblings).
  const parentOf = (item) => {
    const parent = item.fields && item.fields.parent;
    if (!parent) return null;
    const known = items.find((it) => it.id === parent);
    const name = h('span', {}, known ? known.title : '…');
    if (!known) itemInfo(parent).then((info) => { name.textContent = info ? info.title : 'onbekende pagina'; });
    return h('div', { class: 'muted small parent' }, 'onder: ', name);
  };

  const draw = (disabled) => {
    fill(
      body,
      items.map((item, i) => {
        const titleId = `order-title-${item.id}`;
        const p = positionOf(item);
        return h(
          'tr',
          { dataset: { id: item.id } },
          h('td', { 'data-label': 'Plaats', class: 'position' }, p === null ? '—' : String(p)),
          h(
            'td',
            { 'data-label': 'Titel' },
            h('a', { href: `/admin/inhoud/${item.id}`, id: titleId }, item.title || '(zonder titel)'),
            h('div', { class: 'muted small' }, item.slug),
            parentOf(item),
          ),
          h('td', { 'data-label': 'Status' }, statusBadge(item.status)),
          h('td', { 'data-label': 'Bijgewerkt' }, timeEl(item.updated_at)),
          writable
            ? h(
                'td',
                { 'data-label': 'Verplaatsen', class: 'order-actions' },
                h('button', { type: 'button', class: 'move move-up', 'aria-label': 'Omhoog', title: 'Omhoog', 'aria-describedby': titleId, disabled: disabled || i === 0, onclick: () => move(i, -1) }, '↑'),
                h('button', { type: 'button', class: 'move move-down', 'aria-label': 'Omlaag', title: 'Omlaag', 'aria-describedby': titleId, disabled: disabled || i === items.length - 1, onclick: () => move(i, 1) }, '↓'),
              )
            : null,
        );
      }),
    );
  };

  if (!items.length) {
    fill(results, h('p', { class: 'empty' }, 'Geen items gevonden.'));
    return;
  }
  draw(false);
  fill(
    results,
    h(
      'p',
      { class: 'muted count' },
      `${items.length} ${items.length === 1 ? 'item' : 'items'} in de volgorde van de website (plaats, dan titel). Gearchiveerde ${PLURAL[kind] || 'items'} staan er niet bij.`,
    ),
    writable
      ? h(
          'div',
          { class: 'choice order-options' },
          publishLive,
          h('label', { for: 'order-publish' }, 'Nieuwe volgorde meteen live zetten bij items die live staan'),
        )
      : null,
    writable ? h('p', { class: 'hint' }, 'Alleen de plaats verandert. Items met andere wijzigingen die nog niet live staan, publiceer je apart.') : null,
    status,
    h(
      'table',
      { class: 'list content-list order-list' },
      h('caption', { class: 'sr-only' }, `Volgorde: ${KINDS[kind] || kind}`),
      h(
        'thead',
        {},
        h('tr', {}, ['Plaats', 'Titel', 'Status', 'Bijgewerkt', writable ? 'Verplaatsen' : null].filter(Boolean).map((t) => h('th', { scope: 'col' }, t))),
      ),
      body,
    ),
  );
}
