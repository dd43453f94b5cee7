// Markdown fields: buttons that insert a link to another item (`[tekst](item:<id>)`) or an
// uploaded image (`![alt](file:<id>)`) at the cursor, and the live preview that the server
// renders with the same sanitiser as the public API.

import * as api from '../api.js';
import { h, fill, field, announce, debounce, KINDS, statusBadge } from '../ui.js';
import { pickItem, itemInfo } from './refs.js';
import { pickFile, fileInfo, fileUrl } from './picker.js';

/** Text safe inside the square brackets of a Markdown link. */
function bracketText(s) {
  return String(s).replace(/\s+/g, ' ').replace(/([[\]\\])/g, '\\$1').trim();
}

/**
 * Replaces the textarea's selection with `text`, then selects `select` (offsets within
 * `text`) or puts the cursor after it; the textarea reports the change like typing does.
 */
export function insertAtCursor(textarea, text, select) {
  const start = textarea.selectionStart ?? textarea.value.length;
  const end = textarea.selectionEnd ?? start;
  textarea.setRangeText(text, start, end, 'end');
  textarea.focus();
  if (select) textarea.setSelectionRange(start + select[0], start + select[1]);
  else textarea.setSelectionRange(start + text.length, start + text.length);
  textarea.dispatchEvent(new Event('input', { bubbles: true }));
}

/** The selected text of a textarea ('' when nothing is selected). */
function selected(textarea) {
  return textarea.value.slice(textarea.selectionStart, textarea.selectionEnd);
}

/** The two insert buttons for one Markdown textarea. `selfId`: the item being edited. */
export function markdownTools(textarea, { selfId } = {}) {
  const linkButton = h(
    'button',
    {
      type: 'button',
      class: 'insert-item-link',
      onclick: async () => {
        const sel = selected(textarea);
        const it = await pickItem({ title: 'Link naar item invoegen', exclude: selfId ? [selfId] : [] });
        if (!it) {
          textarea.focus();
          return;
        }
        const text = bracketText(sel || it.title || 'link');
        insertAtCursor(textarea, `[${text}](item:${it.id})`);
        announce(`Link naar ${it.title} ingevoegd.`);
      },
    },
    'Link naar item invoegen',
  );
  const imageButton = h(
    'button',
    {
      type: 'button',
      class: 'insert-image',
      onclick: async () => {
        const sel = selected(textarea);
        const f = await pickFile({ accept: 'image', title: 'Afbeelding invoegen' });
        if (!f) {
          textarea.focus();
          return;
        }
        const alt = bracketText(sel || f.label || (f.filename || '').replace(/\.[a-z0-9]+$/i, '') || 'afbeelding');
        // The alt text is selected afterwards, so typing replaces it with a real description.
        insertAtCursor(textarea, `![${alt}](file:${f.id})`, [2, 2 + alt.length]);
        announce('Afbeelding ingevoegd; de geselecteerde tekst is de beschrijving (alt-tekst): typ om die te vervangen.');
      },
    },
    'Afbeelding invoegen',
  );
  return h(
    'div',
    { class: 'md-tools', role: 'group', 'aria-label': 'Invoegen' },
    linkButton,
    imageButton,
  );
}

const TARGET = /(!?)\[(?:\\.|[^\]\\])*\]\(\s*(item|file):([0-9a-fA-F-]{36})\s*\)/g;

/** The `item:` and `file:` targets of a text, each once, in order. */
export function targetsOf(text) {
  const seen = new Map();
  for (const m of String(text).matchAll(TARGET)) {
    const key = `${m[2]}:${m[3].toLowerCase()}`;
    if (!seen.has(key)) seen.set(key, { type: m[2], id: m[3].toLowerCase(), image: m[1] === '!' });
  }
  return [...seen.values()];
}

const NOT_LIVE = ['draft', 'scheduled', 'archived'];

/**
 * What the text links to, by title and as thumbnails: the preview shows such links and
 * images only as their text, so this list shows what they are.
 */
function targetsList(textarea) {
  const box = h('div', { class: 'md-targets' });
  let shown = '';
  const entry = (t) => {
    const li = h('li', {}, h('span', { class: 'muted' }, 'Laden…'));
    if (t.type === 'item') {
      itemInfo(t.id).then((info) => {
        if (!info) {
          fill(li, h('span', { class: 'bad' }, 'Link naar een onbekend item'), ' ', h('code', { class: 'id' }, t.id));
          return;
        }
        fill(
          li,
          'Link naar ',
          h('a', { href: `/admin/inhoud/${info.id}`, target: '_blank', rel: 'noopener' }, info.title || '(zonder titel)'),
          ' ',
          h('span', { class: 'muted small' }, KINDS[info.kind] || info.kind),
          ' ',
          statusBadge(info.status),
          NOT_LIVE.includes(info.status) ? h('span', { class: 'muted small' }, ' — niet live: op de website staat alleen de tekst') : null,
        );
      });
    } else {
      fileInfo(t.id).then((info) => {
        if (!info) {
          fill(li, h('span', { class: 'bad' }, t.image ? 'Onbekende afbeelding' : 'Onbekend bestand'), ' ', h('code', { class: 'id' }, t.id));
          return;
        }
        const isImage = /^image\//.test(info.content_type || '');
        fill(
          li,
          t.image ? 'Afbeelding ' : 'Bestand ',
          t.image && isImage ? h('img', { src: fileUrl(info.id), alt: '', class: 'thumb' }) : null,
          h('span', { class: 'file-name' }, info.filename),
          t.image && !isImage ? h('span', { class: 'bad' }, ' — dit bestand is geen afbeelding') : null,
        );
      });
    }
    return li;
  };
  const update = () => {
    const targets = targetsOf(textarea.value);
    const key = JSON.stringify(targets);
    if (key === shown) return;
    shown = key;
    if (!targets.length) {
      box.replaceChildren();
      return;
    }
    fill(box, h('p', { class: 'md-targets-title' }, 'In deze tekst'), h('ul', {}, targets.map(entry)));
  };
  textarea.addEventListener('input', debounce(update, 350));
  update();
  return box;
}

/**
 * A Markdown field with its insert buttons and, when `previewId` is given, a preview beside
 * it. Returns {el, textarea}.
 */
export function markdownField(label, value, { name, previewId, previewLabel = 'Voorbeeld', readOnly, selfId, rows = 18, initialHtml, hint } = {}) {
  const textarea = h('textarea', { rows, class: 'markdown', spellcheck: 'true', disabled: readOnly });
  textarea.value = value ?? '';
  const own = field(label, textarea, { name, hint });
  if (!readOnly) own.insertBefore(markdownTools(textarea, { selfId }), textarea);
  textarea.after(targetsList(textarea));
  if (!previewId) return { el: own, textarea };

  const preview = h('div', { class: 'preview body-html', id: previewId, role: 'region', 'aria-live': 'polite', 'aria-label': previewLabel });
  let seq = 0;
  const render = async () => {
    const mine = (seq += 1);
    try {
      const { data } = await api.post('/admin/preview', { body: textarea.value });
      if (mine === seq) preview.innerHTML = data.html;
    } catch (err) {
      if (mine !== seq) return;
      if ((err.status === 404 || err.status === 405) && initialHtml !== undefined && textarea.value === value) {
        preview.innerHTML = initialHtml;
      } else if (err.status === 404 || err.status === 405) {
        fill(preview, h('p', { class: 'muted' }, 'Voorbeeld is niet beschikbaar.'));
      } else {
        fill(preview, h('p', { class: 'muted' }, `Voorbeeld mislukt: ${err.message}`));
      }
    }
  };
  if (readOnly) {
    if (initialHtml !== undefined) preview.innerHTML = initialHtml;
  } else {
    textarea.addEventListener('input', debounce(render, 350));
    render();
  }
  return {
    el: h(
      'div',
      { class: 'md-pair' },
      own,
      h(
        'div',
        { class: 'field' },
        h('span', { class: 'label' }, 'Voorbeeld'),
        preview,
        h('p', { class: 'hint' }, 'Links naar items en afbeeldingen uit de bibliotheek staan hier als tekst; wat ze zijn, staat onder de tekst. Op de website worden het links en afbeeldingen; een link naar een item dat niet live staat, blijft daar tekst.'),
      ),
    ),
    textarea,
  };
}
