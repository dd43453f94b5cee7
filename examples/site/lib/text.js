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

/**
 * The lines of `source` that are not found in `page` in order: each non-empty line must
 * occur after the end of the previous line's match. A line that is missing is reported
 * with whether it occurs elsewhere on the page (out of order) or not at all, and the
 * search goes on from the last match. `skip` lists lines that are page chrome.
 */
export function missingInOrder(source, page, skip = []) {
  const text = normalise(page);
  const skipped = new Set(skip.map(normalise));
  const missing = [];
  let from = 0;
  source.split(/\r?\n/).forEach((line, i) => {
    const n = normalise(line);
    if (!n || skipped.has(n)) return;
    const at = text.indexOf(n, from);
    if (at >= 0) {
      from = at + n.length;
    } else {
      missing.push({ line: i + 1, text: line.trim(), elsewhere: text.includes(n) });
    }
  });
  return missing;
}
