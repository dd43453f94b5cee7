// Reading versions: one old version in full, and a word-level diff of two side by side
// ("10:00 → 10:30" is one changed word, not a changed line).

import * as api from '../api.js';
import { h, fill, timeEl, errorBox } from '../ui.js';

/** Words and the spaces between them, so joining the tokens gives the text back. */
const tokens = (text) => String(text || '').match(/\s+|[^\s]+/g) || [];

/** Beyond this many tokens a side, the word diff would be slow: whole texts are compared. */
const MAX_TOKENS = 6000;

/**
 * The word diff of two texts as runs of {op: 'equal' | 'delete' | 'insert', text}, from the
 * longest common subsequence of their tokens (common start and end trimmed first).
 */
export function wordDiff(before, after) {
  const a = tokens(before);
  const b = tokens(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start += 1;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA -= 1;
    endB -= 1;
  }
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const runs = [];
  const push = (op, text) => {
    if (!text) return;
    const last = runs[runs.length - 1];
    if (last && last.op === op) last.text += text;
    else runs.push({ op, text });
  };
  push('equal', a.slice(0, start).join(''));
  if (midA.length > MAX_TOKENS || midB.length > MAX_TOKENS) {
    push('delete', midA.join(''));
    push('insert', midB.join(''));
  } else {
    // lcs[i][j]: the common length of midA[i..] and midB[j..].
    const n = midA.length;
    const m = midB.length;
    const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i -= 1) {
      for (let j = m - 1; j >= 0; j -= 1) {
        lcs[i][j] = midA[i] === midB[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && midA[i] === midB[j]) {
        push('equal', midA[i]);
        i += 1;
        j += 1;
      } else if (j < m && (i === n || lcs[i][j + 1] >= lcs[i + 1][j])) {
        push('insert', midB[j]);
        j += 1;
      } else {
        push('delete', midA[i]);
        i += 1;
      }
    }
  }
  push('equal', a.slice(endA).join(''));
  return runs;
}

const TEXT_FIELDS = [
  ['title', 'Titel'],
  ['summary', 'Samenvatting'],
  ['body', 'Tekst'],
];

const textOf = (content, key) => {
  const v = content[key];
  return Array.isArray(v) ? v.join(', ') : v || '';
};

/** Two versions' texts side by side, the old with deleted words marked, the new with inserted ones. */
export function sideBySide(from, to) {
  const rows = TEXT_FIELDS.concat([['tags', 'Tags']]).map(([key, label]) => {
    const runs = wordDiff(textOf(from.content, key), textOf(to.content, key));
    const changed = runs.some((r) => r.op !== 'equal');
    const side = (drop, mark) =>
      h('div', { class: 'word-diff' }, runs.filter((r) => r.op !== drop).map((r) => (r.op === mark ? h(mark === 'delete' ? 'del' : 'ins', {}, r.text) : r.text)));
    return h(
      'tr',
      { class: changed ? 'changed' : 'same', dataset: { field: key } },
      h('th', { scope: 'row' }, label),
      h('td', {}, side('insert', 'delete')),
      h('td', {}, side('delete', 'insert')),
    );
  });
  return h(
    'section',
    { class: 'diff side-by-side', id: 'word-diff', 'aria-labelledby': 'word-diff-title' },
    h('h2', { id: 'word-diff-title' }, `Woord voor woord: versie ${from.version} naast versie ${to.version}`),
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Veld'), h('th', { scope: 'col' }, `Versie ${from.version}`), h('th', { scope: 'col' }, `Versie ${to.version}`))),
      h('tbody', {}, rows),
    ),
  );
}

/** One version in full: its fields, and its text as the site would show it. */
export async function readVersion(box, id, n) {
  try {
    const { data: v } = await api.get(`/admin/content/${encodeURIComponent(id)}/versions/${n}`);
    const c = v.content || {};
    const html = h('div', { class: 'preview body-html' });
    fill(
      box,
      h(
        'section',
        { class: 'version-read detail', 'aria-labelledby': 'version-read-title' },
        h('h2', { id: 'version-read-title' }, `Versie ${v.version}: ${c.title || ''}`),
        h(
          'dl',
          {},
          h('dt', {}, 'Opgeslagen'), h('dd', {}, timeEl(v.created_at), v.author ? ` door ${v.author}` : ''),
          v.comment ? [h('dt', {}, 'Opmerking'), h('dd', {}, v.comment)] : null,
          h('dt', {}, 'Samenvatting'), h('dd', {}, c.summary || '—'),
          h('dt', {}, 'Tags'), h('dd', {}, (c.tags || []).join(', ') || '—'),
        ),
        html,
      ),
    );
    box.scrollIntoView({ block: 'start' });
    const r = await api.post('/admin/preview', { body: c.body || '' });
    html.innerHTML = r.data.html;
  } catch (err) {
    fill(box, errorBox(err));
  }
}
