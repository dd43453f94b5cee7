// The parts of the editor that depend on the kind (its own `fields`), and the attachments
// list. Each part is {el, read()}: `read` gives the JSON the API expects.

import { h, fill, field } from '../ui.js';
import { pickFile, fileInfo, fileUrl } from './picker.js';
import { refOne, refList, pageDescendants } from './refs.js';
import { homeFields } from './home-fields.js';

const text = (value, attrs = {}) => h('input', { type: 'text', value: value ?? '', ...attrs });
const area = (value, attrs = {}) => {
  const el = h('textarea', { rows: 3, ...attrs });
  el.value = value ?? '';
  return el;
};

/** Tells the form that something changed that no input event reports. */
function changed(el) {
  el.dispatchEvent(new Event('change', { bubbles: true }));
}

/** Sets `key` when the input has a value (optional fields are left out when empty). */
function optional(out, key, el) {
  const v = el.value.trim();
  if (v) out[key] = v;
}

/** Sets `key` to a reference list's ids when it holds any (the whole `fields` is sent). */
function listed(out, key, refs) {
  const ids = refs.read();
  if (ids.length) out[key] = ids;
}

/** A chosen file shown by name, with buttons to choose another or clear it. */
export function fileChoice(name, initial, { accept, required, readOnly, label }) {
  let value = initial || '';
  const shown = h('span', { class: 'file-choice-name' });
  const wrap = h('div', { class: 'file-choice', dataset: { field: name }, role: 'group', 'aria-label': label });
  const refresh = async () => {
    if (!value) {
      fill(shown, h('span', { class: 'muted' }, 'geen bestand gekozen'));
      return;
    }
    fill(shown, value);
    const info = await fileInfo(value);
    if (info) {
      fill(
        shown,
        accept === 'image' && /^image\//.test(info.content_type || '')
          ? h('img', { src: fileUrl(value), alt: '', class: 'thumb' })
          : null,
        info.filename,
      );
    }
  };
  const choose = h(
    'button',
    {
      type: 'button',
      disabled: readOnly,
      onclick: async () => {
        const f = await pickFile({ accept, title: label });
        if (f) {
          value = f.id;
          refresh();
          changed(wrap);
        }
      },
    },
    'Kiezen…',
  );
  const clear = required
    ? null
    : h('button', { type: 'button', class: 'link', disabled: readOnly, onclick: () => { value = ''; refresh(); changed(wrap); } }, 'Wissen');
  fill(wrap, shown, ' ', choose, ' ', clear);
  refresh();
  return {
    el: h('div', { class: 'field' }, h('span', { class: 'label' }, label, required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null), wrap),
    get value() {
      return value;
    },
  };
}

function today() {
  const d = new Date();
  const two = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
}

/** Footnotes of a manifest: an ordered list of {label, citation, url?}. */
function references(initial, readOnly) {
  const rows = h('ol', { class: 'refs' });
  const add = (r = {}) => {
    const i = rows.children.length;
    const label = text(r.label, { 'aria-label': 'Label', placeholder: 'label', disabled: readOnly });
    const citation = text(r.citation, { 'aria-label': 'Bronvermelding', placeholder: 'bronvermelding', disabled: readOnly });
    const url = text(r.url, { 'aria-label': 'Link (optioneel)', placeholder: 'https://… (optioneel)', disabled: readOnly });
    label.dataset.field = `fields.references[${i}].label`;
    citation.dataset.field = `fields.references[${i}].citation`;
    url.dataset.field = `fields.references[${i}].url`;
    const li = h(
      'li',
      { class: 'ref' },
      h('div', { class: 'field' }, label),
      h('div', { class: 'field' }, citation),
      h('div', { class: 'field' }, url),
      readOnly ? null : h('button', { type: 'button', class: 'link', onclick: () => { li.remove(); changed(rows); } }, 'Verwijderen'),
    );
    li.read = () => {
      const out = { label: label.value.trim(), citation: citation.value.trim() };
      optional(out, 'url', url);
      return out;
    };
    rows.append(li);
  };
  (initial || []).forEach(add);
  return {
    el: h(
      'fieldset',
      { class: 'group', dataset: { field: 'fields.references' } },
      h('legend', {}, 'Voetnoten'),
      rows,
      readOnly ? null : h('button', { type: 'button', onclick: () => add() }, 'Voetnoot toevoegen'),
    ),
    read: () => [...rows.children].map((li) => li.read()),
  };
}

/** A position: a whole number 0–1 000 000; `required` for pages, optional elsewhere. */
function positionInput(value, { label, hint, required, readOnly }) {
  const input = h('input', { type: 'number', step: 1, min: 0, max: 1000000, inputmode: 'numeric', class: 'position', value: value ?? (required ? 0 : ''), disabled: readOnly });
  return {
    el: field(label, input, { name: 'fields.position', hint, required }),
    /** The number, or undefined when empty (an optional position is then left out). */
    read: () => (input.value.trim() === '' ? (required ? null : undefined) : Number(input.value)),
  };
}

/**
 * The kind's own fields. `ctx.selfId` is the item's id (it cannot refer to itself),
 * `ctx.isNew` whether it is being made.
 */
export function kindFields(kind, f = {}, readOnly = false, ctx = {}) {
  const dis = { disabled: readOnly };
  const { selfId, isNew } = ctx;
  switch (kind) {
    case 'news': {
      const date = h('input', { type: 'date', value: f.display_date || (isNew ? today() : ''), ...dis });
      const author = text(f.author, dis);
      const cover = fileChoice('fields.cover_file_id', f.cover_file_id, { accept: 'image', readOnly, label: 'Omslagafbeelding' });
      const related = refList('fields.related', f.related, { label: 'Gerelateerde items', selfId, readOnly, addText: 'Gerelateerd item toevoegen…' });
      return {
        el: [
          field('Datum bij het artikel', date, { name: 'fields.display_date', hint: 'Leeg laten: het artikel toont geen datum.' }),
          field('Auteur', author, { name: 'fields.author' }),
          cover.el,
          related.el,
        ],
        read: () => {
          const out = {};
          if (date.value) out.display_date = date.value;
          optional(out, 'author', author);
          if (cover.value) out.cover_file_id = cover.value;
          listed(out, 'related', related);
          return out;
        },
      };
    }
    case 'manifest': {
      const subtitle = text(f.subtitle, dis);
      const videoItem = refOne('fields.video', f.video, { kind: 'video', label: 'Video (item)', selfId, readOnly, chooseText: 'Video kiezen…' });
      const video = text(f.video_url, { ...dis, type: 'url', placeholder: 'https://…' });
      const downloads = refList('fields.downloads', f.downloads, { kind: 'download', label: 'Downloads', selfId, readOnly, addText: 'Download toevoegen…' });
      const related = refList('fields.related', f.related, { label: 'Gerelateerde items', selfId, readOnly, addText: 'Gerelateerd item toevoegen…' });
      const refs = references(f.references, readOnly);
      return {
        el: [
          field('Ondertitel', subtitle, { name: 'fields.subtitle' }),
          videoItem.el,
          field('Video (link)', video, { name: 'fields.video_url', hint: 'Alleen nodig als er geen video-item gekozen is.' }),
          downloads.el,
          related.el,
          refs.el,
        ],
        read: () => {
          const out = { references: refs.read() };
          listed(out, 'downloads', downloads);
          listed(out, 'related', related);
          optional(out, 'subtitle', subtitle);
          optional(out, 'video_url', video);
          if (videoItem.value) out.video = videoItem.value;
          return out;
        },
      };
    }
    case 'download': {
      const file = fileChoice('fields.file_id', f.file_id, { required: true, readOnly, label: 'Document' });
      const description = area(f.description, dis);
      const position = positionInput(f.position, { label: 'Plaats in de volgorde', hint: 'Lager staat eerder; leeg: achteraan.', readOnly });
      return {
        el: [file.el, field('Beschrijving', description, { name: 'fields.description' }), position.el],
        read: () => {
          const out = { file_id: file.value };
          optional(out, 'description', description);
          const p = position.read();
          if (p !== undefined) out.position = p;
          return out;
        },
      };
    }
    case 'video': {
      const url = text(f.url, { ...dis, type: 'url', placeholder: 'https://…' });
      const derived = f.provider
        ? h('p', { class: 'hint' }, `Aanbieder: ${f.provider}`, f.embed_url ? ` · speler: ${f.embed_url}` : '')
        : null;
      return {
        el: [field('Link naar de video (https)', url, { name: 'fields.url', required: true }), derived],
        read: () => ({ url: url.value.trim() }),
      };
    }
    case 'page': {
      const position = positionInput(f.position, { label: 'Plaats in het menu', hint: '0 staat eerst.', required: true, readOnly });
      const parent = refOne('fields.parent', f.parent, {
        kind: 'page',
        label: 'Valt onder pagina',
        hint: 'Leeg: de pagina staat zelf in het hoofdmenu. Pagina’s die onder deze staan, kunnen niet gekozen worden.',
        selfId,
        readOnly,
        chooseText: 'Pagina kiezen…',
        excluded: () => pageDescendants(selfId),
      });
      return {
        el: [position.el, parent.el],
        read: () => {
          const out = { position: position.read() };
          if (parent.value) out.parent = parent.value;
          return out;
        },
      };
    }
    case 'location': {
      const city = text(f.city, dis);
      const initiator = text(f.initiator, dis);
      const initiatorUrl = text(f.initiator_url, { ...dis, type: 'url', placeholder: 'https://…' });
      const position = positionInput(f.position, { label: 'Plaats in de volgorde', hint: 'Lager staat eerder; leeg: achteraan.', readOnly });
      return {
        el: [
          field('Plaats', city, { name: 'fields.city', required: true }),
          field('Initiatiefnemer', initiator, { name: 'fields.initiator', required: true }),
          field('Website initiatiefnemer', initiatorUrl, { name: 'fields.initiator_url' }),
          position.el,
        ],
        read: () => {
          const out = { city: city.value.trim(), initiator: initiator.value.trim() };
          optional(out, 'initiator_url', initiatorUrl);
          const p = position.read();
          if (p !== undefined) out.position = p;
          return out;
        },
      };
    }
    case 'home':
      return homeFields(f, readOnly, ctx);
    default:
      return { el: [h('p', { class: 'muted' }, `Onbekende soort: ${kind}`)], read: () => f };
  }
}

/** The ordered attachments: {file_id, label}, each movable and removable. */
export function attachments(initial, readOnly) {
  const list = h('ol', { class: 'attachments' });
  const add = (a) => {
    const label = text(a.label, { 'aria-label': 'Label van de bijlage', disabled: readOnly });
    const name = h('span', { class: 'att-file' }, a.file_id);
    fileInfo(a.file_id).then((info) => {
      if (info) {
        name.textContent = info.filename;
        if (!label.value) label.value = info.filename;
      }
    });
    const li = h('li', { class: 'attachment' });
    const move = (dir) => {
      const sib = dir < 0 ? li.previousElementSibling : li.nextElementSibling;
      if (!sib) return;
      if (dir < 0) list.insertBefore(li, sib);
      else list.insertBefore(sib, li);
      renumber();
      changed(list);
    };
    fill(
      li,
      name,
      h('div', { class: 'field' }, label),
      readOnly
        ? null
        : h(
            'span',
            { class: 'att-actions' },
            h('button', { type: 'button', 'aria-label': 'Omhoog', title: 'Omhoog', onclick: () => move(-1) }, '↑'),
            h('button', { type: 'button', 'aria-label': 'Omlaag', title: 'Omlaag', onclick: () => move(1) }, '↓'),
            h('button', { type: 'button', class: 'link', onclick: () => { li.remove(); renumber(); changed(list); } }, 'Verwijderen'),
          ),
    );
    li.read = () => ({ file_id: a.file_id, label: label.value.trim() });
    li.labelInput = label;
    list.append(li);
    renumber();
  };
  const renumber = () => {
    [...list.children].forEach((li, i) => {
      li.dataset.field = `attachments[${i}]`;
      li.labelInput.dataset.field = `attachments[${i}].label`;
    });
  };
  (initial || []).forEach(add);
  const pick = h(
    'button',
    {
      type: 'button',
      class: 'add-attachment',
      onclick: async () => {
        const f = await pickFile({ title: 'Bijlage kiezen of uploaden' });
        if (f) {
          add({ file_id: f.id, label: f.filename });
          changed(list);
        }
      },
    },
    'Bijlage toevoegen…',
  );
  return {
    el: h(
      'fieldset',
      { class: 'group', dataset: { field: 'attachments' } },
      h('legend', {}, 'Bijlagen'),
      list,
      readOnly ? null : pick,
    ),
    read: () => [...list.children].map((li) => li.read()),
  };
}
