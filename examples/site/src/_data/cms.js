// Everything the site shows, read once per build from the CMS's public API (no token):
// GET /api/v1/site for the home page and the navigation, GET /api/v1/content for the
// published items of each kind, and GET /api/v1/content/{kind}/{slug} for each in full.

import { api, get } from '../../lib/api.js';

/** The kinds that get a page of their own, and the order their lists are read in. */
const KINDS = {
  news: '-published_at',
  manifest: '-published_at',
  page: 'position',
  location: 'position',
  download: 'position',
  video: '-published_at',
};

/** Every published item of a kind, as list items (no body), page by page. */
async function list(kind, sort) {
  const items = [];
  let cursor = null;
  do {
    const q = new URLSearchParams({ kind, sort, limit: '100' });
    if (cursor) q.set('cursor', cursor);
    const page = await get(`/api/v1/content?${q}`);
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

/** Runs `fn` over `values`, a few at a time. */
async function each(values, fn, width = 6) {
  const out = new Array(values.length);
  let next = 0;
  const worker = async () => {
    while (next < values.length) {
      const i = next++;
      out[i] = await fn(values[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, values.length) }, worker));
  return out;
}

const key = (ref) => `${ref.kind}/${ref.slug}`;

export default async function () {
  const [site, ...lists] = await Promise.all([
    get('/api/v1/site'),
    ...Object.entries(KINDS).map(([kind, sort]) => list(kind, sort)),
  ]);

  // Every item in full, by "kind/slug"; references outside the lists are read on demand.
  const reads = new Map();
  const full = (ref) => {
    const k = key(ref);
    if (!reads.has(k)) {
      const path = `/api/v1/content/${encodeURIComponent(ref.kind)}/${encodeURIComponent(ref.slug)}`;
      reads.set(k, get(path));
    }
    return reads.get(k);
  };
  const items = await each(lists.flat(), full);
  const byKind = Object.fromEntries(Object.keys(KINDS).map((k, i) => [k, lists[i].map(key)]));

  // A page's children: from the navigation tree, else the published pages naming it parent.
  const children = {};
  const navigation = [];
  const walk = (nodes) => {
    for (const n of nodes || []) {
      navigation.push(n);
      children[key(n)] = (n.children || []).map(key);
      walk(n.children);
    }
  };
  walk(site.navigation);

  // What the home page's sections, the navigation and the items refer to, in full too.
  const refs = [...site.sections.flatMap((s) => s.items), ...navigation];
  for (const item of items) {
    const f = item.fields || {};
    refs.push(...(f.related || []), ...(f.downloads || []), ...[f.video, f.parent].filter(Boolean));
  }
  await each(refs, full);
  const byKey = {};
  for (const [k, read] of reads) byKey[k] = await read;
  // News by the date it carries (the date it was published when it has none), newest first.
  const newsDate = (k) => byKey[k].fields?.display_date || byKey[k].published_at || '';
  byKind.news.sort((a, b) => newsDate(b).localeCompare(newsDate(a)));
  for (const k of byKind.page) {
    if (children[k]) continue;
    const id = byKey[k].id;
    children[k] = byKind.page.filter((c) => byKey[c].fields?.parent?.id === id);
  }

  // Attachments not already shown as a download of the item (its own file, or the file of
  // a download it lists), so that no file is offered twice.
  const attachments = {};
  for (const [k, item] of Object.entries(byKey)) {
    const f = item.fields || {};
    const linked = new Set([f.file?.id, ...(f.downloads || []).map((d) => byKey[key(d)]?.fields?.file?.id)]);
    attachments[k] = (item.attachments || []).filter((a) => !linked.has(a.id));
  }

  return {
    api,
    attachments,
    site,
    byKey,
    children,
    byKind,
    /** The items that get a page, by "kind/slug". */
    pages: items.map(key),
  };
}
