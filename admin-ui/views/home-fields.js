// The home page's own fields: tagline, intro (Markdown) and the ordered sections, each with
// a key, heading, body, chosen items and an optional list the site fills by a query.

import { h, field, LISTED_KINDS, slugify, announce, moveButtons, syncMoveButtons, confirmDialog } from '../ui.js';
import { refList } from './refs.js';
import { markdownField } from './markdown.js';

/** The orders a section's query may ask for (those of the public list). */
export const SORTS = {
  '-published_at': 'Nieuwste publicatie eerst',
  published_at: 'Oudste publicatie eerst',
  title: 'Titel (A–Z)',
  '-updated_at': 'Laatst bijgewerkt eerst',
  position: 'Volgorde (plaats)',
};

function changed(el) {
  el.dispatchEvent(new Event('change', { bubbles: true }));
}

let sectionSeq = 0;

/** One section's editor; `li.read()` gives its JSON, `li.setIndex(i)` renames its fields. */
function sectionEditor(s, { readOnly, selfId, onMoved, onRemove }) {
  sectionSeq += 1;
  const n = sectionSeq;
  const dis = { disabled: readOnly };
  const headingId = `section-${n}-title`;
  const key = h('input', { type: 'text', value: s.key ?? '', pattern: '[a-z0-9]+(-[a-z0-9]+)*', autocomplete: 'off', ...dis });
  const heading = h('input', { type: 'text', maxlength: 200, value: s.heading ?? '', ...dis });
  const body = markdownField('Tekst van de sectie (Markdown)', s.body, { rows: 5, readOnly, selfId });
  const items = refList('fields.sections[0].items', s.items, { label: 'Items in deze sectie', selfId, readOnly, addText: 'Item toevoegen…' });

  // The key follows the heading until it is typed in itself.
  let keyTouched = Boolean(s.key);
  key.addEventListener('input', () => {
    keyTouched = key.value !== '';
  });
  heading.addEventListener('input', () => {
    if (!keyTouched) key.value = slugify(heading.value);
  });

  const q = s.query || null;
  const useQuery = h('input', { type: 'checkbox', id: `section-${n}-query`, checked: Boolean(q), ...dis });
  const qKind = h('select', { ...dis }, h('option', { value: '' }, 'Alle soorten'), Object.entries(LISTED_KINDS).map(([v, l]) => h('option', { value: v }, l)));
  qKind.value = (q && q.kind) || '';
  const qTag = h('input', { type: 'text', value: (q && q.tag) || '', ...dis });
  const qSort = h('select', { ...dis }, h('option', { value: '' }, 'Standaard (nieuwste eerst)'), Object.entries(SORTS).map(([v, l]) => h('option', { value: v }, l)));
  qSort.value = (q && q.sort) || '';
  const qLimit = h('input', { type: 'number', min: 1, max: 100, step: 1, inputmode: 'numeric', placeholder: '10', value: (q && q.limit) ?? '', ...dis });
  const queryFields = h(
    'div',
    { class: 'query-fields' },
    field('Soort', qKind, { name: 'fields.sections[0].query.kind' }),
    field('Tag', qTag, { name: 'fields.sections[0].query.tag' }),
    field('Volgorde', qSort, { name: 'fields.sections[0].query.sort' }),
    field('Aantal (1–100)', qLimit, { name: 'fields.sections[0].query.limit', hint: 'Leeg: 10.' }),
  );
  const syncQuery = () => {
    queryFields.hidden = !useQuery.checked;
  };
  useQuery.addEventListener('change', syncQuery);
  syncQuery();

  const title = h('h2', { class: 'section-title', id: headingId });
  const retitle = (i) => {
    title.textContent = `Sectie ${i + 1}${heading.value.trim() ? `: ${heading.value.trim()}` : ''}`;
  };
  heading.addEventListener('input', () => retitle([...li.parentElement.children].indexOf(li)));

  const li = h('li', { class: 'section' });
  const remove = h(
    'button',
    {
      type: 'button',
      class: 'link danger-link',
      'aria-describedby': headingId,
      onclick: async () => {
        if (!(await confirmDialog(`${title.textContent} verwijderen?`, { confirm: 'Verwijderen', danger: true }))) return;
        onRemove(li);
      },
    },
    'Sectie verwijderen',
  );
  li.append(
    h(
      'div',
      { class: 'section-head' },
      title,
      readOnly ? null : h('span', { class: 'ref-actions' }, moveButtons(li, { describedBy: headingId, onMoved: () => onMoved(li), upLabel: 'Sectie omhoog', downLabel: 'Sectie omlaag' }), remove),
    ),
    h(
      'div',
      { class: 'section-grid' },
      field('Kop', heading, { name: 'fields.sections[0].heading' }),
      field('Sleutel', key, { name: 'fields.sections[0].key', required: true, hint: 'Kleine letters, cijfers en streepjes; de website herkent de sectie hieraan.' }),
    ),
    body.el,
    items.el,
    h(
      'div',
      { class: 'choice' },
      useQuery,
      h('label', { for: useQuery.id }, 'Ook een automatische lijst tonen'),
    ),
    queryFields,
  );
  const named = [
    [key, 'key'],
    [heading, 'heading'],
    [body.textarea, 'body'],
    [qKind, 'query.kind'],
    [qTag, 'query.tag'],
    [qSort, 'query.sort'],
    [qLimit, 'query.limit'],
  ];
  li.setIndex = (i) => {
    const base = `fields.sections[${i}]`;
    li.dataset.field = base;
    named.forEach(([el, sub]) => {
      el.dataset.field = `${base}.${sub}`;
    });
    queryFields.dataset.field = `${base}.query`;
    items.rename(`${base}.items`);
    retitle(i);
  };
  li.read = () => {
    const out = { key: key.value.trim(), heading: heading.value.trim(), body: body.textarea.value };
    const ids = items.read();
    if (ids.length) out.items = ids;
    if (useQuery.checked) {
      const query = {};
      if (qKind.value) query.kind = qKind.value;
      if (qTag.value.trim()) query.tag = qTag.value.trim();
      if (qSort.value) query.sort = qSort.value;
      if (qLimit.value.trim() !== '') query.limit = Number(qLimit.value);
      out.query = query;
    }
    return out;
  };
  li.focusFirst = () => heading.focus();
  return li;
}

/** The sections, in order: add, remove, move up and down. */
function sectionsEditor(initial, { readOnly, selfId }) {
  const list = h('ol', { class: 'sections' });
  const renumber = () => {
    [...list.children].forEach((li, i) => li.setIndex(i));
    empty.hidden = list.children.length > 0;
    syncMoveButtons(list);
  };
  const empty = h('p', { class: 'muted' }, 'Nog geen secties.');
  const onMoved = (li) => {
    renumber();
    changed(list);
    announce(`Sectie verplaatst naar plaats ${[...list.children].indexOf(li) + 1} van ${list.children.length}.`);
  };
  const onRemove = (li) => {
    const next = li.nextElementSibling || li.previousElementSibling;
    li.remove();
    renumber();
    changed(list);
    announce('Sectie verwijderd.');
    (next ? next.querySelector('input:not(:disabled)') : addButton)?.focus();
  };
  const add = (s) => {
    const li = sectionEditor(s, { readOnly, selfId, onMoved, onRemove });
    list.append(li);
    return li;
  };
  (initial || []).forEach(add);
  const addButton = h(
    'button',
    {
      type: 'button',
      class: 'add-section',
      onclick: () => {
        const li = add({});
        renumber();
        changed(list);
        li.focusFirst();
        announce('Sectie toegevoegd.');
      },
    },
    'Sectie toevoegen',
  );
  renumber();
  return {
    el: h(
      'fieldset',
      { class: 'group sections-group', dataset: { field: 'fields.sections' } },
      h('legend', {}, 'Secties'),
      list,
      empty,
      readOnly ? null : addButton,
    ),
    read: () => [...list.children].map((li) => li.read()),
  };
}

/** The home page's fields; `wide`: the editor shows them in its main column. */
export function homeFields(f, readOnly, { selfId } = {}) {
  const tagline = h('input', { type: 'text', maxlength: 300, value: f.tagline ?? '', disabled: readOnly });
  const intro = markdownField('Introductie (Markdown)', f.intro, { name: 'fields.intro', previewId: 'intro-preview', previewLabel: 'Voorbeeld van de introductie', rows: 8, readOnly, selfId });
  const sections = sectionsEditor(f.sections, { readOnly, selfId });
  return {
    wide: true,
    el: [field('Slogan', tagline, { name: 'fields.tagline', hint: 'Eén regel onder de naam van de website.' }), intro.el, sections.el],
    read: () => {
      const out = { intro: intro.textarea.value, sections: sections.read() };
      if (tagline.value.trim()) out.tagline = tagline.value.trim();
      return out;
    },
  };
}
