// The content list's bulk actions: publish, take offline or archive the ticked items, each
// through its own route with its own If-Match, and a report per item of what failed.

import * as api from '../api.js';
import { h, fill, confirmDialog, flash, errorText } from '../ui.js';
import { loadItem } from './item.js';

const ACTIONS = {
  publish: {
    label: 'Publiceren',
    question: (n) => `${n} item${n === 1 ? '' : 's'} publiceren? Van elk gaat de laatste versie meteen live.`,
    run: (item, etag) => api.post(`/admin/content/${item.id}/publish`, {}, { etag }),
    done: 'gepubliceerd',
  },
  unpublish: {
    label: 'Offline halen',
    question: (n) => `${n} item${n === 1 ? '' : 's'} offline halen? Ze verdwijnen meteen van de website.`,
    run: (item, etag) => api.post(`/admin/content/${item.id}/unpublish`, {}, { etag }),
    done: 'offline gehaald',
  },
  archive: {
    label: 'Archiveren',
    question: (n) => `${n} item${n === 1 ? '' : 's'} archiveren? Ze verdwijnen van de website.`,
    run: (item, etag) => api.del(`/admin/content/${item.id}`, { etag }),
    done: 'gearchiveerd',
  },
};

/** Why one item failed, in Dutch where the server gave codes. */
function reason(err) {
  if (err.status === 409) return 'gearchiveerd of in gebruik';
  if (err.status === 412) return 'intussen door iemand anders gewijzigd';
  if (err.errors && err.errors.length) return err.errors.map((e) => `${e.field}: ${errorText(e)}`).join('; ');
  return err.message;
}

/**
 * The bar above the list. `selected()` gives the ticked rows as {id, title}; `reload()`
 * shows the list again afterwards.
 */
export function bulkBar(selected, reload) {
  const count = h('span', { class: 'bulk-count', role: 'status' });
  const report = h('div', { class: 'bulk-report', 'aria-live': 'assertive' });
  const buttons = Object.entries(ACTIONS).map(([key, a]) =>
    h('button', { type: 'button', class: key === 'archive' ? 'danger' : '', dataset: { action: key }, onclick: () => run(key) }, a.label),
  );
  const bar = h('div', { class: 'bulk-bar', role: 'group', 'aria-label': 'Met de gekozen items' }, count, buttons);

  const refresh = () => {
    const n = selected().length;
    count.textContent = n ? `${n} gekozen:` : 'Kies items om ze samen te publiceren, offline te halen of te archiveren.';
    buttons.forEach((b) => {
      b.disabled = !n;
    });
  };

  const run = async (key) => {
    const a = ACTIONS[key];
    const rows = selected();
    if (!rows.length || !(await confirmDialog(a.question(rows.length), { confirm: a.label, danger: key !== 'publish' }))) return;
    buttons.forEach((b) => {
      b.disabled = true;
    });
    const failed = [];
    for (const [i, row] of rows.entries()) {
      count.textContent = `Bezig… (${i + 1} van ${rows.length})`;
      try {
        const { item, etag } = await loadItem(row.id);
        await a.run(item, etag);
      } catch (err) {
        failed.push({ row, why: reason(err) });
      }
    }
    const ok = rows.length - failed.length;
    flash(`${ok} van ${rows.length} ${a.done}.`, failed.length ? 'warn' : 'ok');
    await reload();
    fill(
      report,
      failed.length
        ? h(
          'div',
          { class: 'error-box', role: 'alert' },
          h('strong', {}, `Niet ${a.done}:`),
          h('ul', {}, failed.map((f) => h('li', { dataset: { id: f.row.id } }, `${f.row.title}: ${f.why}`))),
        )
        : null,
    );
  };
  refresh();
  return { el: h('div', { class: 'bulk' }, bar, report), refresh };
}
