// Bestanden: the media library. Upload by drag and drop or by choosing (with progress),
// the list, a preview of images and PDFs, where each file is used, and delete (the API
// refuses while a live item uses the file, and says which).

import * as api from '../api.js';
import { h, fill, setTitle, flash, errorBox, timeEl, formatSize, debounce, KINDS, confirmDialog, revealDetail } from '../ui.js';
import { can, navigate } from '../app.js';
import { uploadWithProgress, fileUrl, remember } from './picker.js';

export default async function files(root, { parts }) {
  setTitle('Bestanden');
  const selected = parts[0] || null;
  const writable = can('write-content');
  const uploads = h('div', { class: 'uploads', 'aria-live': 'polite' });
  const results = h('div', { 'aria-live': 'polite' });
  const detail = h('div', { class: 'detail', id: 'file-detail', hidden: !selected });
  const q = h('input', { type: 'search', id: 'files-q', placeholder: 'Bestandsnaam' });

  const load = async () => {
    try {
      const { data } = await api.get(`/admin/files${api.query({ q: q.value.trim(), limit: 100 })}`);
      const items = api.itemsOf(data);
      items.forEach(remember);
      if (!items.length) {
        fill(results, h('p', { class: 'empty' }, 'Geen bestanden.'));
        return;
      }
      fill(
        results,
        data.total !== undefined ? h('p', { class: 'muted count' }, `${data.total} bestand${data.total === 1 ? '' : 'en'}`) : null,
        h(
          'table',
          { class: 'list files' },
          h('thead', {}, h('tr', {}, ['Bestand', 'Soort', 'Grootte', 'Geüpload'].map((t) => h('th', { scope: 'col' }, t)))),
          h(
            'tbody',
            {},
            items.map((f) =>
              h(
                'tr',
                { class: f.id === selected ? 'selected' : null, dataset: { id: f.id } },
                h('td', { 'data-label': 'Bestand' }, h('a', { href: `/admin/bestanden/${f.id}` }, f.filename)),
                h('td', { 'data-label': 'Soort' }, f.content_type),
                h('td', { 'data-label': 'Grootte' }, formatSize(f.size)),
                h('td', { 'data-label': 'Geüpload' }, timeEl(f.created_at)),
              ),
            ),
          ),
        ),
      );
    } catch (err) {
      fill(results, errorBox(err));
    }
  };

  const showDetail = async (id) => {
    let f;
    try {
      f = (await api.get(`/admin/files/${encodeURIComponent(id)}`)).data;
    } catch (err) {
      fill(detail, errorBox(err));
      return;
    }
    const src = f.content_url || fileUrl(f.id);
    let preview = null;
    if (/^image\//.test(f.content_type)) preview = h('img', { src, alt: `Voorbeeld van ${f.filename}` });
    else if (f.content_type === 'application/pdf') preview = h('iframe', { src, title: `Voorbeeld van ${f.filename}` });
    const uses = f.used_by || [];
    const message = h('div', { 'aria-live': 'assertive' });
    const remove = async () => {
      if (!(await confirmDialog(`${f.filename} verwijderen?`, { confirm: 'Verwijderen', danger: true }))) return;
      try {
        await api.del(`/admin/files/${encodeURIComponent(f.id)}`);
        flash(`${f.filename} is verwijderd.`);
        navigate('/admin/bestanden', { replace: true });
      } catch (err) {
        if (err.status === 409) {
          fill(
            message,
            h(
              'div',
              { class: 'error-box', role: 'alert' },
              h('strong', {}, 'Niet verwijderd: dit bestand is in gebruik. '),
              err.message,
              err.errors.length ? h('ul', {}, err.errors.map((e) => h('li', {}, e.message))) : null,
              h('p', {}, 'Haal het eerst uit die items (of archiveer ze).'),
            ),
          );
        } else fill(message, errorBox(err));
      }
    };
    fill(
      detail,
      h('h2', {}, f.filename),
      h('div', { class: 'file-preview' }, preview),
      h(
        'dl',
        {},
        h('dt', {}, 'Soort'), h('dd', {}, f.content_type),
        h('dt', {}, 'Grootte'), h('dd', {}, formatSize(f.size)),
        h('dt', {}, 'Geüpload'), h('dd', {}, timeEl(f.created_at)),
        h('dt', {}, 'Openbaar'), h('dd', {}, f.public ? 'ja (een gepubliceerde versie gebruikt het)' : 'nee'),
        f.url && f.public ? [h('dt', {}, 'Openbaar adres'), h('dd', {}, h('a', { href: f.url, target: '_blank', rel: 'noopener' }, f.url))] : null,
      ),
      h('h3', {}, 'Gebruikt in'),
      uses.length
        ? h(
            'ul',
            { class: 'used-by' },
            uses.map((u) =>
              h(
                'li',
                {},
                h('a', { href: `/admin/inhoud/${u.id}` }, u.title),
                ` (${KINDS[u.kind] || u.kind}${u.archived ? ', gearchiveerd' : ''}${u.versions && u.versions.length ? `, versie ${u.versions.join(', ')}` : ''})`,
              ),
            ),
          )
        : h('p', { class: 'muted' }, 'Nergens.'),
      message,
      h(
        'div',
        { class: 'actions' },
        h('a', { class: 'button', href: src, target: '_blank', rel: 'noopener' }, 'Openen'),
        writable ? h('button', { type: 'button', class: 'danger delete-file', onclick: remove }, 'Verwijderen') : null,
      ),
    );
  };

  const uploadAll = async (list) => {
    for (const file of list) {
      try {
        const stored = await uploadWithProgress(file, uploads);
        flash(`${stored.filename} is geüpload.`);
      } catch {
        // The row shows why.
      }
    }
    load();
  };

  let drop = null;
  if (writable) {
    const input = h('input', { type: 'file', id: 'file-input', multiple: true });
    input.addEventListener('change', () => {
      uploadAll([...input.files]);
      input.value = '';
    });
    drop = h(
      'div',
      { class: 'dropzone', id: 'dropzone' },
      h('p', {}, h('strong', {}, 'Sleep bestanden hierheen'), ' of ', h('label', { for: 'file-input' }, 'kies ze'), ':'),
      input,
    );
    drop.addEventListener('dragover', (e) => {
      e.preventDefault();
      drop.classList.add('over');
    });
    drop.addEventListener('dragleave', () => drop.classList.remove('over'));
    drop.addEventListener('drop', (e) => {
      e.preventDefault();
      drop.classList.remove('over');
      if (e.dataTransfer && e.dataTransfer.files.length) uploadAll([...e.dataTransfer.files]);
    });
  }
  q.addEventListener('input', debounce(load, 300));
  fill(
    root,
    h('h1', {}, 'Bestanden'),
    drop,
    uploads,
    h('form', { class: 'filters', role: 'search', onsubmit: (e) => { e.preventDefault(); load(); } }, h('label', { for: 'files-q' }, 'Zoeken'), q, h('button', { type: 'submit' }, 'Zoeken')),
    h('div', { class: 'split' }, results, detail),
  );
  await load();
  if (selected) {
    await showDetail(selected);
    revealDetail(detail);
  }
}
