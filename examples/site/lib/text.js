// Comparing a page with a source text: both reduced to lowercase letters and digits, so
// that dashes, bullets, "|", "+", "►", "…", quotes, numbering and white space do not count.

/** Lowercase letters and digits only (Unicode-aware, compatibility forms folded). */
export function normalise(text) {
  return text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

const NAMED = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

export function decodeEntities(text) {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, e) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return String.fromCodePoint(code);
    }
    return NAMED[e.toLowerCase()] ?? whole;
  });
}

/** The text of an HTML document's body as a visitor reads it (scripts and styles left out). */
export function htmlText(html) {
  const body = /<body[^>]*>([\s\S]*)<\/body>/i.exec(html)?.[1] ?? html;
  return decodeEntities(
    body
      .replace(/<!--[\s\S]*?-->/g, ' ')
      .replace(/<(script|style|template)\b[\s\S]*?<\/\1>/gi, ' ')
      .replace(/<[^>]+>/g, ' '),
  );
}

/** A line without its list number ("1. ", "2) "): an ordered list's numbers are not text. */
export function unnumbered(line) {
  return line.replace(/^\s*\d+[.)]\s+/, '');
}

/**
 * The lines of `source` that are not found in `page` in order: each non-empty line must
 * occur after the end of the previous line's match. `skip` lists lines that are page chrome.
 * When some are not, the lines named are the fewest that leave the others in order (one
 * line found too early or too late does not make all the lines after it missing), each
 * with whether it is on the page at all.
 */
export function missingInOrder(source, page, skip = []) {
  const text = normalise(page);
  const skipped = new Set(skip.map((l) => normalise(unnumbered(l))));
  const lines = source
    .split(/\r?\n/)
    .map((line, i) => ({ line: i + 1, text: line.trim(), n: normalise(unnumbered(line)) }))
    .filter((l) => l.n && !skipped.has(l.n));

  // Where each line occurs, and the longest chain of occurrences in order, line by line.
  const occ = lines.flatMap((l, li) => {
    const found = [];
    for (let at = text.indexOf(l.n); at >= 0; at = text.indexOf(l.n, at + 1)) {
      found.push({ li, start: at, end: at + l.n.length, len: 1, prev: null });
    }
    return found;
  });
  let best = null;
  for (const o of occ) {
    for (const q of occ) {
      if (q.li >= o.li) break;
      if (q.end <= o.start && q.len + 1 > o.len) {
        o.len = q.len + 1;
        o.prev = q;
      }
    }
    if (!best || o.len > best.len) best = o;
  }
  const kept = new Set();
  for (let o = best; o; o = o.prev) kept.add(o.li);
  const onPage = new Set(occ.map((o) => o.li));
  return lines
    .filter((_, li) => !kept.has(li))
    .map((l) => ({ line: l.line, text: l.text, elsewhere: onPage.has(lines.indexOf(l)) }));
}
