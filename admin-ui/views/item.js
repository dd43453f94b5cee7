// What the screens of one content item share: loading it with its ETag, and the header with
// live-versus-latest at a glance and the tabs Bewerken / Versies / Publiceren.

import * as api from '../api.js';
import { h, KINDS, statusBadge, formatTime } from '../ui.js';

/** The item and its ETag (needed as If-Match on every write). */
export async function loadItem(id) {
  const { data, etag } = await api.get(`/admin/content/${encodeURIComponent(id)}`);
  return { item: data, etag: etag || `"${data.id}:${data.version}"` };
}

/** One line on what is live and what is the latest version. */
export function liveSummary(item) {
  const parts = [];
  parts.push(h('span', {}, 'Laatste versie: ', h('strong', { class: 'latest-version' }, String(item.version))));
  if (item.published_version) {
    parts.push(
      h(
        'span',
        { class: 'live' },
        'Live: ',
        h('strong', { class: 'live-version' }, `versie ${item.published_version}`),
        item.published_at ? ` sinds ${formatTime(item.published_at)}` : '',
      ),
    );
  } else {
    parts.push(h('span', { class: 'live' }, 'Niet live'));
  }
  if (item.publish_at) parts.push(h('span', { class: 'pending' }, `Publicatie gepland op ${formatTime(item.publish_at)}`));
  if (item.unpublish_at) parts.push(h('span', { class: 'pending' }, `Gaat offline op ${formatTime(item.unpublish_at)}`));
  return h('p', { class: 'live-summary' }, parts);
}

/** Where an item's screens are: the home page has its own place in the menu. */
export function itemPath(item, tab = '') {
  const base = item.kind === 'home' ? '/admin/homepagina' : `/admin/inhoud/${item.id}`;
  return tab ? `${base}/${tab}` : base;
}

export function itemHeader(item, active) {
  const tabs = [
    ['', 'Bewerken'],
    ['versies', 'Versies'],
    ['publiceren', 'Publiceren'],
  ];
  return h(
    'div',
    { class: 'item-head' },
    item.kind === 'home'
      ? h('p', { class: 'crumbs' }, 'Homepagina')
      : h('p', { class: 'crumbs' }, h('a', { href: '/admin/inhoud' }, 'Inhoud'), ' › ', KINDS[item.kind] || item.kind),
    h('h1', {}, item.title, ' ', statusBadge(item.status)),
    liveSummary(item),
    h(
      'nav',
      { class: 'tabs', 'aria-label': 'Onderdelen van dit item' },
      tabs.map(([path, label]) =>
        h(
          'a',
          {
            href: itemPath(item, path),
            'aria-current': path === active ? 'page' : null,
          },
          label,
        ),
      ),
    ),
  );
}
