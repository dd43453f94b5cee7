// References to other content items: a dialog to find and choose an item, and the editor's
// reference fields (one item, or an ordered list of items) that show each by its title.
// The API stores and answers ids; titles are looked up here.

import * as api from '../api.js';
import {
  h, fill, KINDS, LISTED_KINDS, statusBadge, errorBox, debounce, announce, moveButtons, syncMoveButtons,
} from '../ui.js';

const cache = new Map();

/** An item's id, kind, title and status by id (cached for the page's life); null if unknown. */
export function itemInfo(id) {
  if (!cache.has(id)) {
    cache.set(
      id,
      api
        .get(`/admin/content/${encodeURIComponent(id)}`)
        .then(({ data }) => ({ id: data.id, kind: data.kind, title: data.title, status: data.status, slug: data.slug }))
        .catch(() => null),
    );
  }
  return cache.get(id);
}

function rememberItem(item) {
  if (item && item.id) {
    cache.set(item.id, Promise.resolve({ id: item.id, kind: item.kind, title: item.title, status: item.status, slug: item.slug }));
  }
}

let pickerSeq = 0;

/** Statuses an item can be chosen in: everything but archived. */
const CHOOSABLE = 'draft,scheduled,published,changed';

/**
 * Opens a dialog to search items by title and choose one; resolves to the chosen item
 * (`{id, kind, title, status}`) or null when closed. `kind` fixes the kind; `exclude` lists
 * ids that cannot be chosen (the item itself, items already in the list).
 */
export function pickItem({ kind, title = 'Item kiezen', exclude = [] } = {}) {
  return new Promise((resolve) => {
    pickerSeq += 1;
    const n = pickerSeq;
    const headingId = `item-picker-title-${n}`;
    const dialog = h('dialog', { class: 'dialog picker item-picker', 'aria-labelledby': headingId });
    const search = h('input', { type: 'search', id: `item-picker-q-${n}`, autocomplete: 'off' });
    const kindSelect = kind
      ? null
      : h(
          'select',
          { id: `item-picker-kind-${n}` },
          h('option', { value: '' }, 'Alle soorten'),
          Object.entries(LISTED_KINDS).map(([v, l]) => h('option', { value: v }, l)),
        );
    const list = h('div', { class: 'picker-list', 'aria-live': 'polite' });
    let done = false;
    const finish = (item) => {
      if (done) return;
      done = true;
      dialog.close();
      dialog.remove();
      if (item) rememberItem(item);
      resolve(item);
    };
    let seq = 0;
    const load = async () => {
      const mine = (seq += 1);
      const params = {
        q: search.value.trim(),
        kind: kind || (kindSelect ? kindSelect.value : ''),
        status: CHOOSABLE,
        sort: search.value.trim() ? 'title' : '-updated_at',
        limit: 30,
      };
      try {
        const { data } = await api.get(`/admin/content${api.query(params)}`);
        if (mine !== seq) return;
        const items = api.itemsOf(data).filter((it) => !exclude.includes(it.id));
        if (!items.length) {
          fill(list, h('p', { class: 'empty' }, 'Geen items gevonden.'));
          return;
        }
        fill(
          list,
          h(
            'ul',
            {},
            items.map((it) =>
              h(
                'li',
                {},
                h('button', { type: 'button', class: 'pick', onclick: () => finish(it) }, it.title || '(zonder titel)'),
                h('span', { class: 'muted small' }, ` ${KINDS[it.kind] || it.kind} · `),
                statusBadge(it.status),
              ),
            ),
          ),
          data && data.total > items.length ? h('p', { class: 'muted small' }, 'Niet alles staat hier: zoek op de titel om te vinden wat je zoekt.') : null,
        );
      } catch (err) {
        if (mine === seq) fill(list, errorBox(err));
      }
    };
    const loadSoon = debounce(load, 250);
    search.addEventListener('input', loadSoon);
    if (kindSelect) kindSelect.addEventListener('change', load);
    fill(
      dialog,
      h('h2', { id: headingId }, title),
      h(
        'form',
        {
          class: 'picker-search',
          role: 'search',
          onsubmit: (e) => {
            e.preventDefault();
            load();
          },
        },
        h('div', { class: 'field' }, h('label', { for: search.id }, 'Zoek op titel'), search),
        kindSelect ? h('div', { class: 'field' }, h('label', { for: kindSelect.id }, 'Soort'), kindSelect) : null,
        kind ? h('p', { class: 'muted small' }, `Alleen items van de soort ${KINDS[kind] || kind}.`) : null,
      ),
      list,
      h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => finish(null) }, 'Sluiten')),
    );
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      finish(null);
    });
    document.body.append(dialog);
    dialog.showModal();
    search.focus();
    fill(list, h('p', { class: 'muted' }, 'Laden…'));
    load();
  });
}

/**
 * The pages under page `id`, at any depth (by their latest versions): choosing one of them
 * as its parent would make a loop.
 */
export async function pageDescendants(id) {
  if (!id) return [];
  const children = new Map();
  let cursor = '';
  do {
    const { data } = await api.get(`/admin/content${api.query({ kind: 'page', limit: 100, cursor })}`);
    for (const p of api.itemsOf(data)) {
      const parent = p.fields && p.fields.parent;
      if (parent) children.set(parent, [...(children.get(parent) || []), p.id]);
    }
    cursor = (data && data.next_cursor) || '';
  } while (cursor);
  const out = [];
  const todo = [...(children.get(id) || [])];
  while (todo.length) {
    const next = todo.shift();
    if (next === id || out.includes(next)) continue;
    out.push(next);
    todo.push(...(children.get(next) || []));
  }
  return out;
}

/** Tells the form that something changed that no input event reports. */
function changed(el) {
  el.dispatchEvent(new Event('change', { bubbles: true }));
}

let refSeq = 0;

/** An item shown by its title (looked up), kind and status; the id stays in a title tooltip. */
function itemLabel(id, labelId) {
  const el = h('span', { class: 'ref-title', id: labelId, title: id }, h('span', { class: 'muted' }, 'Laden…'));
  itemInfo(id).then((info) => {
    if (!info) {
      fill(el, h('span', { class: 'bad' }, 'Onbekend item'), ' ', h('code', { class: 'id' }, id));
      return;
    }
    fill(
      el,
      h('a', { href: `/admin/inhoud/${info.id}`, target: '_blank', rel: 'noopener' }, info.title || '(zonder titel)'),
      ' ',
      h('span', { class: 'muted small' }, KINDS[info.kind] || info.kind),
      ' ',
      statusBadge(info.status),
    );
  });
  return el;
}

/**
 * A reference to one item: its title, "Kiezen…" and "Wissen". `kind` limits the choice;
 * `selfId` (the item being edited) cannot be chosen.
 */
export function refOne(name, initial, { kind, label, hint, selfId, readOnly, chooseText = 'Kiezen…', excluded }) {
  refSeq += 1;
  const labelId = `ref-label-${refSeq}`;
  let value = initial || '';
  const shown = h('span', { class: 'ref-one' });
  const wrap = h('div', { class: 'ref-choice', role: 'group', 'aria-labelledby': labelId, dataset: { field: name } });
  const refresh = () => {
    if (!value) fill(shown, h('span', { class: 'muted' }, 'niets gekozen'));
    else fill(shown, itemLabel(value, `${labelId}-item`));
    clear.hidden = !value;
  };
  const choose = h(
    'button',
    {
      type: 'button',
      class: 'choose',
      disabled: readOnly,
      'aria-describedby': labelId,
      onclick: async () => {
        const more = excluded ? await excluded().catch(() => []) : [];
        const it = await pickItem({ kind, title: chooseText.replace(/…$/, ''), exclude: [...(selfId ? [selfId] : []), ...more] });
        if (it) {
          value = it.id;
          refresh();
          changed(wrap);
          announce(`${it.title} gekozen.`);
        }
        choose.focus();
      },
    },
    chooseText,
  );
  const clear = h(
    'button',
    {
      type: 'button',
      class: 'link',
      disabled: readOnly,
      'aria-describedby': labelId,
      onclick: () => {
        value = '';
        refresh();
        changed(wrap);
        announce('Gewist.');
        choose.focus();
      },
    },
    'Wissen',
  );
  fill(wrap, shown, readOnly ? null : h('span', { class: 'ref-actions' }, choose, clear));
  refresh();
  return {
    el: h(
      'div',
      { class: 'field' },
      h('span', { class: 'label', id: labelId }, label),
      wrap,
      hint ? h('p', { class: 'hint' }, hint) : null,
    ),
    get value() {
      return value;
    },
  };
}

/**
 * An ordered list of references: each item by its title, with "Omhoog", "Omlaag" and
 * "Verwijderen"; "addText" opens the picker. `name` is the field path (`fields.downloads`);
 * `rename` changes it (a home-page section that moves).
 */
export function refList(name, initial, { kind, label, hint, selfId, readOnly, addText = 'Item toevoegen…' }) {
  refSeq += 1;
  const labelId = `ref-label-${refSeq}`;
  let path = name;
  const list = h('ol', { class: 'ref-list' });
  const empty = h('p', { class: 'muted small ref-empty' }, 'Nog niets gekozen.');
  const group = h('fieldset', { class: 'group ref-group', dataset: { field: path } });
  const ids = () => [...list.children].map((li) => li.dataset.id);
  const renumber = () => {
    [...list.children].forEach((li, i) => {
      li.dataset.field = `${path}[${i}]`;
    });
    empty.hidden = list.children.length > 0;
    syncMoveButtons(list);
  };
  let rowSeq = 0;
  const add = (id) => {
    rowSeq += 1;
    const itemLabelId = `${labelId}-${rowSeq}`;
    const li = h('li', { class: 'ref', dataset: { id } });
    const remove = h(
      'button',
      {
        type: 'button',
        class: 'link',
        'aria-describedby': itemLabelId,
        onclick: () => {
          const next = li.nextElementSibling || li.previousElementSibling;
          li.remove();
          renumber();
          changed(group);
          announce('Verwijderd.');
          (next ? next.querySelector('button:not(:disabled)') : addButton)?.focus();
        },
      },
      'Verwijderen',
    );
    fill(
      li,
      itemLabel(id, itemLabelId),
      readOnly
        ? null
        : h(
            'span',
            { class: 'ref-actions' },
            moveButtons(li, {
              describedBy: itemLabelId,
              onMoved: () => {
                renumber();
                changed(group);
                const pos = [...list.children].indexOf(li) + 1;
                announce(`Verplaatst naar plaats ${pos} van ${list.children.length}.`);
              },
            }),
            remove,
          ),
    );
    list.append(li);
  };
  (initial || []).forEach(add);
  const addButton = h(
    'button',
    {
      type: 'button',
      class: 'add-ref',
      onclick: async () => {
        const it = await pickItem({ kind, title: addText.replace(/…$/, ''), exclude: [...ids(), ...(selfId ? [selfId] : [])] });
        if (it) {
          add(it.id);
          renumber();
          changed(group);
          announce(`${it.title} toegevoegd.`);
        }
        addButton.focus();
      },
    },
    addText,
  );
  fill(
    group,
    h('legend', { id: labelId }, label),
    list,
    empty,
    hint ? h('p', { class: 'hint' }, hint) : null,
    readOnly ? null : addButton,
  );
  renumber();
  return {
    el: group,
    read: ids,
    rename(newName) {
      path = newName;
      group.dataset.field = path;
      renumber();
    },
  };
}
