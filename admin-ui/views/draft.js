// Typed text survives a reload or a crash: the editor keeps its form in localStorage (one
// entry per item, or per kind for a new one, with the version it was typed on) until it is
// saved, and offers it back when the item is opened again.

import { h, fill, formatTime } from '../ui.js';

const PREFIX = 'oa-cms:concept:';

const keyOf = (item, kind) => `${PREFIX}${item ? item.id : `nieuw:${kind}`}`;

function readStored(key) {
  try {
    const v = JSON.parse(localStorage.getItem(key) || 'null');
    return v && v.doc ? v : null;
  } catch {
    return null;
  }
}

/** Drafts waiting to be restored once the editor is built again (see `restoring`). */
const pending = new Map();

/**
 * The draft keeper of one editor. `read()` gives the form's document; `base` is what the
 * form was opened with (a draft equal to it is no draft).
 */
export function draftKeeper(item, kind, read, base) {
  const key = keyOf(item, kind);
  let timer = null;
  const store = () => {
    const doc = read();
    if (JSON.stringify(doc) === JSON.stringify(base)) {
      localStorage.removeItem(key);
      return;
    }
    try {
      localStorage.setItem(key, JSON.stringify({ version: item ? item.version : 0, at: new Date().toISOString(), doc }));
    } catch {
      // Storage full or off: the leave guard still warns.
    }
  };
  return {
    /** Keeps the form soon after each edit. */
    changed() {
      clearTimeout(timer);
      timer = setTimeout(store, 400);
    },
    /** Saved: nothing to keep any more. */
    clear() {
      clearTimeout(timer);
      localStorage.removeItem(key);
    },
    /**
     * A box offering the kept draft back (null when there is none). `restore(doc)` rebuilds
     * the editor with it.
     */
    offer(restore) {
      const kept = readStored(key);
      if (!kept || JSON.stringify(kept.doc) === JSON.stringify(base)) return null;
      const box = h('div', { class: 'warn-box draft-offer', role: 'region', 'aria-label': 'Niet-opgeslagen wijzigingen' });
      const newer = item && kept.version !== item.version;
      fill(
        box,
        h('h2', {}, 'Je hebt hier niet-opgeslagen wijzigingen'),
        h(
          'p',
          {},
          `Bewaard in deze browser op ${formatTime(kept.at)}`,
          newer ? `, getypt op versie ${kept.version}; de nieuwste versie is nu ${item.version}.` : '.',
        ),
        h(
          'div',
          { class: 'actions' },
          h('button', { type: 'button', class: 'primary', onclick: () => { pending.set(key, kept.doc); restore(); } }, 'Terugzetten'),
          h('button', { type: 'button', onclick: () => { localStorage.removeItem(key); box.remove(); } }, 'Weggooien'),
        ),
      );
      return box;
    },
  };
}

/** The draft to build the editor from this time, if "Terugzetten" was chosen. */
export function restoring(item, kind) {
  const key = keyOf(item, kind);
  const doc = pending.get(key) || null;
  pending.delete(key);
  return doc;
}
