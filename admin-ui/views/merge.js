// Saving over someone else's save without undoing it: a three-way merge of the item as it
// was opened (base), as typed (mine) and as now saved by the other (theirs). Fields only
// one side changed take that side; fields both changed differently are shown side by side
// and the editor chooses per field before anything is saved.

import { h, fill } from '../ui.js';

const TOP = ['title', 'slug', 'summary', 'body', 'tags', 'attachments'];
const LABELS = { title: 'Titel', slug: 'Slug (adres)', summary: 'Samenvatting', body: 'Tekst', tags: 'Tags', attachments: 'Bijlagen' };
/** Derived by the server from other fields: never compared, never sent back. */
const DERIVED = ['provider', 'embed_url'];

/** A value as compared: nulls, empty texts and lists, derived values left out. */
export function bare(value) {
  if (Array.isArray(value)) return value.map(bare);
  if (value && typeof value === 'object') {
    const out = {};
    for (const k of Object.keys(value).sort()) {
      const v = value[k];
      if (v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length)) continue;
      if (DERIVED.includes(k)) continue;
      out[k] = bare(v);
    }
    return out;
  }
  return value;
}

const norm = (v) => (v === undefined || v === null || v === '' || (Array.isArray(v) && !v.length) ? null : bare(v));
export const same = (a, b) => JSON.stringify(norm(a)) === JSON.stringify(norm(b));

/** A saved item as the document the editor's `read()` gives. */
export function docOf(item) {
  return {
    title: item.title,
    slug: item.slug,
    summary: item.summary || '',
    body: item.body || '',
    tags: item.tags || [],
    attachments: item.attachments || [],
    fields: Object.fromEntries(Object.entries(item.fields || {}).filter(([k]) => !DERIVED.includes(k))),
  };
}

/**
 * Merges field by field. Returns the merged document and the conflicts
 * ({key, mine, theirs}; key is `title` or `fields.author`), which hold mine until chosen.
 */
export function mergeDocs(base, mine, theirs) {
  const doc = { ...mine, fields: { ...(mine.fields || {}) } };
  const conflicts = [];
  const take = (key, b, m, t, set) => {
    if (same(m, b)) {
      if (!same(t, b)) set(t);
    } else if (!same(t, b) && !same(m, t)) {
      conflicts.push({ key, mine: m, theirs: t, set });
    }
  };
  for (const key of TOP) {
    // The home page's form has no slug: what it does not send stays as it is.
    if (!(key in mine)) continue;
    take(key, base[key], mine[key], theirs[key], (v) => {
      doc[key] = v;
    });
  }
  const keys = new Set([...Object.keys(base.fields || {}), ...Object.keys(mine.fields || {}), ...Object.keys(theirs.fields || {})]);
  for (const key of [...keys].filter((k) => !DERIVED.includes(k)).sort()) {
    take(`fields.${key}`, (base.fields || {})[key], (mine.fields || {})[key], (theirs.fields || {})[key], (v) => {
      if (v === undefined || v === null) delete doc.fields[key];
      else doc.fields[key] = v;
    });
  }
  return { doc, conflicts };
}

/** What changed in `theirs` that the merge keeps, as labels. */
export function keptFromTheirs(base, mine, theirs, labelOf) {
  const out = [];
  for (const key of TOP) {
    if (key in mine && same(mine[key], base[key]) && !same(theirs[key], base[key])) out.push(labelOf(key));
  }
  const keys = new Set([...Object.keys(base.fields || {}), ...Object.keys(theirs.fields || {})]);
  for (const key of [...keys].filter((k) => !DERIVED.includes(k)).sort()) {
    const b = (base.fields || {})[key];
    if (same((mine.fields || {})[key], b) && !same((theirs.fields || {})[key], b)) out.push(labelOf(`fields.${key}`));
  }
  return out;
}

/** A field's label: the form's own label for it, else a fixed one, else its name. */
export function labeller(form) {
  return (key) => {
    if (LABELS[key]) return LABELS[key];
    const el = form.querySelector(`[data-field="${CSS.escape(key)}"]`);
    const label = el && ((el.labels && el.labels[0] && el.labels[0].textContent) || el.getAttribute('aria-label'));
    return label ? label.replace(/\s*\*$/, '').trim() : key;
  };
}

const shown = (v) => {
  if (v === undefined || v === null || v === '' || (Array.isArray(v) && !v.length)) return '(leeg)';
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join(', ');
  return JSON.stringify(v, null, 2);
};

/**
 * Shows the fields both changed side by side in `box`, each with a choice; resolves with
 * true once chosen (the choices are set into the merged document), false when cancelled.
 */
export function chooseConflicts(box, conflicts, labelOf) {
  return new Promise((resolve) => {
    const rows = conflicts.map((c, i) => {
      const name = `merge-${i}`;
      const mineRadio = h('input', { type: 'radio', name, value: 'mine', id: `${name}-mine`, checked: true });
      const theirsRadio = h('input', { type: 'radio', name, value: 'theirs', id: `${name}-theirs` });
      return {
        c,
        theirsRadio,
        el: h(
          'fieldset',
          { class: 'merge-field', dataset: { key: c.key } },
          h('legend', {}, labelOf(c.key)),
          h(
            'div',
            { class: 'merge-pair' },
            h(
              'div',
              { class: 'merge-side merge-mine' },
              h('div', { class: 'choice' }, mineRadio, h('label', { for: `${name}-mine` }, 'Jouw versie')),
              h('pre', {}, shown(c.mine)),
            ),
            h(
              'div',
              { class: 'merge-side merge-theirs' },
              h('div', { class: 'choice' }, theirsRadio, h('label', { for: `${name}-theirs` }, 'Versie van de ander')),
              h('pre', {}, shown(c.theirs)),
            ),
          ),
        ),
      };
    });
    const done = (ok) => {
      if (ok) rows.forEach((r) => r.c.set(r.theirsRadio.checked ? r.c.theirs : r.c.mine));
      box.replaceChildren();
      resolve(ok);
    };
    fill(
      box,
      h(
        'section',
        { class: 'warn-box merge', role: 'region', 'aria-labelledby': 'merge-title' },
        h('h2', { id: 'merge-title' }, 'Door jullie allebei gewijzigd'),
        h('p', {}, 'Kies per veld welke versie wordt opgeslagen. Wat alleen de ander heeft gewijzigd, blijft staan.'),
        rows.map((r) => r.el),
        h(
          'div',
          { class: 'actions' },
          h('button', { type: 'button', class: 'primary merge-save', onclick: () => done(true) }, 'Samengevoegd opslaan'),
          h('button', { type: 'button', onclick: () => done(false) }, 'Annuleren'),
        ),
      ),
    );
    box.querySelector('input').focus();
  });
}
