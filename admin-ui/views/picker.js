// Choosing a file: from the media library, or uploaded on the spot (with progress).

import * as api from '../api.js';
import { h, fill, formatSize, errorBox } from '../ui.js';

const cache = new Map();

/** A file's metadata by id (cached for the page's life). */
export async function fileInfo(id) {
  if (!cache.has(id)) {
    cache.set(
      id,
      api.get(`/admin/files/${encodeURIComponent(id)}`).then((r) => r.data).catch(() => null),
    );
  }
  return cache.get(id);
}

export function remember(file) {
  if (file && file.id) cache.set(file.id, Promise.resolve(file));
}

export function fileUrl(id) {
  return `${api.BASE}/admin/files/${encodeURIComponent(id)}/content`;
}

/** An upload with a progress bar inside `container`; resolves to the stored file. */
export async function uploadWithProgress(file, container) {
  const bar = h('progress', { max: 100, value: 0, 'aria-label': `Voortgang ${file.name}` });
  const pct = h('span', { class: 'pct' }, '0%');
  const row = h('div', { class: 'upload-row' }, h('span', { class: 'name' }, file.name), bar, pct);
  container.append(row);
  try {
    const stored = await api.upload(file, (p) => {
      bar.value = Math.round(p * 100);
      pct.textContent = `${Math.round(p * 100)}%`;
    });
    remember(stored);
    row.classList.add('done');
    pct.textContent = 'klaar';
    return stored;
  } catch (err) {
    row.classList.add('failed');
    pct.textContent = 'mislukt';
    row.append(errorBox(err));
    throw err;
  }
}

/**
 * Opens the library in a dialog; resolves to the chosen file, or null when closed.
 * `accept`: 'image', 'pdf' or undefined (any).
 */
export function pickFile({ accept, title = 'Kies een bestand' } = {}) {
  return new Promise((resolve) => {
    const dialog = h('dialog', { class: 'dialog picker', 'aria-label': title });
    const list = h('div', { class: 'picker-list' });
    const uploads = h('div', { class: 'uploads' });
    const search = h('input', { type: 'search', placeholder: 'Zoek op bestandsnaam', 'aria-label': 'Zoek op bestandsnaam' });
    const input = h('input', {
      type: 'file',
      id: 'picker-upload',
      accept: accept === 'image' ? 'image/*' : accept === 'pdf' ? 'application/pdf' : null,
    });
    let done = false;
    const finish = (file) => {
      if (done) return;
      done = true;
      dialog.close();
      dialog.remove();
      resolve(file);
    };
    const fits = (f) =>
      !accept ||
      (accept === 'image' && /^image\//.test(f.content_type)) ||
      (accept === 'pdf' && f.content_type === 'application/pdf');
    let all = [];
    const show = () => {
      const needle = search.value.trim().toLowerCase();
      const shown = all.filter(fits).filter((f) => !needle || (f.filename || '').toLowerCase().includes(needle));
      if (!shown.length) {
        fill(list, h('p', { class: 'empty' }, 'Geen bestanden.'));
        return;
      }
      fill(
        list,
        h(
          'ul',
          {},
          shown.map((f) =>
            h(
              'li',
              {},
              h('button', { type: 'button', class: 'pick', onclick: () => finish(f) }, f.filename),
              h('span', { class: 'muted small' }, ` ${f.content_type} · ${formatSize(f.size)}`),
            ),
          ),
        ),
      );
    };
    input.addEventListener('change', async () => {
      const file = input.files && input.files[0];
      if (!file) return;
      try {
        finish(await uploadWithProgress(file, uploads));
      } catch {
        // The error shows in the upload row.
      }
    });
    search.addEventListener('input', show);
    fill(
      dialog,
      h('h2', {}, title),
      h('div', { class: 'field' }, h('label', { for: 'picker-upload' }, 'Nieuw bestand uploaden'), input),
      uploads,
      h('h3', {}, 'Of kies uit de bibliotheek'),
      search,
      list,
      h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => finish(null) }, 'Sluiten')),
    );
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      finish(null);
    });
    document.body.append(dialog);
    dialog.showModal();
    fill(list, h('p', { class: 'muted' }, 'Laden…'));
    api
      .get(`/admin/files${api.query({ limit: 100 })}`)
      .then(({ data }) => {
        all = api.itemsOf(data);
        all.forEach(remember);
        show();
      })
      .catch((err) => fill(list, errorBox(err)));
  });
}
