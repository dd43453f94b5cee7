// Publiceren: make a version live now or at a time (entered and shown in Amsterdam time,
// sent as UTC), or take the item offline now or at a time.

import * as api from '../api.js';
import { h, fill, setTitle, flash, errorBox, amsterdamToUtc, formatTime, showFieldErrors, errorText } from '../ui.js';
import { can, navigate } from '../app.js';
import { loadItem, itemHeader, itemPath } from './item.js';

/** "Nu" or "Op een tijdstip", with a datetime-local input in Amsterdam time. */
function when(prefix, legend) {
  const now = h('input', { type: 'radio', name: `${prefix}-when`, id: `${prefix}-now`, value: 'now', checked: true });
  const later = h('input', { type: 'radio', name: `${prefix}-when`, id: `${prefix}-later`, value: 'later' });
  const at = h('input', { type: 'datetime-local', id: `${prefix}-at`, disabled: true, 'aria-describedby': `${prefix}-tz` });
  at.dataset.field = 'at';
  const sync = () => {
    at.disabled = !later.checked;
    if (later.checked) at.focus();
  };
  now.addEventListener('change', sync);
  later.addEventListener('change', sync);
  return {
    el: h(
      'fieldset',
      { class: 'group' },
      h('legend', {}, legend),
      h('div', { class: 'choice' }, now, h('label', { for: `${prefix}-now` }, 'Nu')),
      h('div', { class: 'choice' }, later, h('label', { for: `${prefix}-later` }, 'Op datum en tijd')),
      h('div', { class: 'field' }, at, h('p', { class: 'hint', id: `${prefix}-tz` }, 'Tijd in Nederland (Europe/Amsterdam).')),
    ),
    /** undefined for now, a UTC ISO string, or null when the time is missing or invalid. */
    value: () => (later.checked ? amsterdamToUtc(at.value) : undefined),
  };
}

export default async function publish(root, { id }) {
  const { item, etag } = await loadItem(id);
  setTitle(`Publiceren · ${item.title}`);
  const writable = can('write-content') && item.status !== 'archived';
  const message = h('div', { 'aria-live': 'assertive' });

  const version = h(
    'select',
    { id: 'publish-version' },
    Array.from({ length: item.version }, (_, i) => item.version - i).map((n) =>
      h('option', { value: n }, n === item.version ? `versie ${n} (laatste)` : `versie ${n}`),
    ),
  );
  version.dataset.field = 'version';
  const pubWhen = when('publish', 'Wanneer');
  const unpubWhen = when('unpublish', 'Wanneer');

  const send = async (form, path, body, done) => {
    message.replaceChildren();
    try {
      const r = await api.post(path, body, { etag });
      flash(done(r.data));
      navigate(itemPath(item, 'publiceren'), { replace: true });
    } catch (err) {
      if (err.status === 412) {
        fill(message, h('div', { class: 'warn-box', role: 'alert' }, 'Iemand anders heeft dit item intussen gewijzigd. Bekijk de nieuwe stand en probeer opnieuw. ', h('a', { href: itemPath(item, 'publiceren') }, 'Opnieuw laden')));
      } else {
        // Errors of the version itself (a file deleted since) have no field here: list them.
        const orphans = err.errors.length ? showFieldErrors(form, err.errors) : [];
        const box = errorBox(err);
        if (orphans.length) box.append(h('ul', {}, orphans.map((o) => h('li', {}, `${o.field}: ${errorText(o)}`))));
        fill(message, box);
      }
    }
  };

  const publishForm = h(
    'form',
    { class: 'publish-form', novalidate: true },
    h('h2', {}, 'Publiceren'),
    h('div', { class: 'field' }, h('label', { for: 'publish-version' }, 'Versie'), version),
    pubWhen.el,
    h('button', { type: 'submit', class: 'primary' }, 'Publiceren'),
  );
  publishForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const at = pubWhen.value();
    if (at === null) {
      showFieldErrors(publishForm, [{ field: 'at', message: 'Kies een datum en tijd.' }]);
      return;
    }
    const body = { version: Number(version.value) };
    if (at) body.at = at;
    send(publishForm, `/admin/content/${id}/publish`, body, (it) =>
      it && it.publish_at ? `Publicatie gepland op ${formatTime(it.publish_at)}.` : `Versie ${body.version} staat live.`,
    );
  });

  const unpublishForm = h(
    'form',
    { class: 'unpublish-form', novalidate: true },
    h('h2', {}, 'Offline halen'),
    item.published_version || item.publish_at
      ? null
      : h('p', { class: 'muted' }, 'Dit item staat niet live.'),
    unpubWhen.el,
    h('button', { type: 'submit', class: 'danger' }, 'Offline halen'),
  );
  unpublishForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const at = unpubWhen.value();
    if (at === null) {
      showFieldErrors(unpublishForm, [{ field: 'at', message: 'Kies een datum en tijd.' }]);
      return;
    }
    send(unpublishForm, `/admin/content/${id}/unpublish`, at ? { at } : {}, (it) =>
      it && it.unpublish_at ? `Gaat offline op ${formatTime(it.unpublish_at)}.` : 'Het item staat niet meer live.',
    );
  });

  const live = item.published_version
    ? item.published_version === item.version
      ? 'De laatste versie staat live.'
      : `Live staat versie ${item.published_version}; de laatste versie (${item.version}) is nog niet gepubliceerd.`
    : 'Er staat geen versie live.';
  fill(
    root,
    itemHeader(item, 'publiceren'),
    h('p', { class: 'glance' }, live),
    message,
    writable
      ? h('div', { class: 'publish-grid' }, h('section', {}, publishForm), h('section', {}, unpublishForm))
      : h('p', { class: 'muted' }, item.status === 'archived' ? 'Dit item is gearchiveerd.' : 'Je rol mag niet publiceren.'),
  );
}
