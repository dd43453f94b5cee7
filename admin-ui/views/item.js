// What the screens of one content item share: loading it with its ETag, and the header with
// live-versus-latest at a glance, the Voorbeeld button and the tabs Bewerken / Versies /
// Publiceren.

import * as api from '../api.js';
import { h, fill, flash, KINDS, statusBadge, formatTime } from '../ui.js';

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

/**
 * "Voorbeeld": makes a preview link to `version` (default: the latest) and opens it in a new
 * tab: the website's preview when a preview URL template is configured, else the version in
 * the public API's shape. The links stay beside the button (or in `linksBox`), with how long
 * they last.
 */
export function previewButton(item, version, ariaLabel, linksBox) {
  const links = linksBox || h('span', { class: 'preview-links', 'aria-live': 'polite' });
  const button = h('button', {
    type: 'button',
    class: 'preview-button',
    'aria-label': ariaLabel,
    onclick: async () => {
      // Opened during the click, so no popup blocker stops it; it gets its address once the
      // link is made.
      const tab = window.open('', '_blank');
      if (tab) tab.opener = null;
      button.disabled = true;
      try {
        const { data } = await api.post(`/admin/content/${item.id}/preview`, version ? { version } : undefined);
        if (tab) tab.location.href = data.site_url || data.url;
        fill(
          links,
          h('a', { href: data.url, target: '_blank', rel: 'noopener' }, 'Voorbeeld (API)'),
          data.site_url ? h('a', { href: data.site_url, target: '_blank', rel: 'noopener' }, 'Voorbeeld op de website') : null,
          h('span', { class: 'muted' }, `geldig tot ${formatTime(data.expires_at)}`),
        );
      } catch (err) {
        if (tab) tab.close();
        flash(`Geen voorbeeld: ${err.message}`, 'warn');
      } finally {
        button.disabled = false;
      }
    },
  }, 'Voorbeeld');
  // With a box of its own, the links go there (a table row keeps its buttons on one line).
  return linksBox ? button : h('span', { class: 'preview-action' }, button, links);
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
    // An archived item has nothing to preview until it is brought back.
    item.status === 'archived' ? null : h('div', { class: 'item-actions' }, previewButton(item)),
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
