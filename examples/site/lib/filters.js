// The filters the templates use, plain functions so the check can use them too.
import { api } from './api.js';

const MONTHS = ['jan', 'feb', 'mrt', 'apr', 'mei', 'jun', 'jul', 'aug', 'sept', 'okt', 'nov', 'dec'];

/** `2020-09-24` → `24 sept 2020`; anything else → empty. */
export function dutchDate(value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value || '');
  if (!m || +m[2] < 1 || +m[2] > 12) return '';
  return `${+m[3]} ${MONTHS[+m[2] - 1]} ${m[1]}`;
}

/** An item's `url` (a path, or a full URL when the server builds them so) as a site path. */
export function sitePath(url) {
  const path = new URL(url || '/', 'http://site.invalid').pathname;
  return path.endsWith('/') ? path : `${path}/`;
}

/** A URL of the API (`/api/v1/files/...`) as an absolute one, so it works from the site. */
export function apiUrl(url) {
  return url && url.startsWith('/api/') ? api + url : url;
}

/** Links and images in an item's body_html that point into the API, made absolute. */
export function apiLinks(html) {
  return (html || '').replace(/\b(href|src)="\/api\//g, `$1="${api}/api/`);
}

/** `1234567` → `1,2 MB`. */
export function fileSize(bytes) {
  const n = Number(bytes) || 0;
  if (n < 1000) return `${n} B`;
  const [v, unit] = n < 1e6 ? [n / 1e3, 'kB'] : [n / 1e6, 'MB'];
  return `${v.toLocaleString('nl-NL', { maximumFractionDigits: v < 10 ? 1 : 0 })} ${unit}`;
}

/** A file's type for people: `PDF`, else its extension. */
export function fileType(file) {
  if ((file?.content_type || '').includes('pdf')) return 'PDF';
  const ext = /\.([a-z0-9]+)$/i.exec(file?.filename || '');
  return ext ? ext[1].toUpperCase() : 'bestand';
}

/** A URL from the content for an href: web, mail and site-relative ones only. */
export function safeUrl(url) {
  return /^(https?:\/\/|mailto:|\/(?!\/)|#)/i.test(url || '') ? url : '#';
}
