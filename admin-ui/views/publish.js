// Publiceren: make a version live now or at a time (entered and shown in Amsterdam time,
// sent as UTC), or take the item offline now or at a time.

import * as api from '../api.js';
import {
  h, fill, setTitle, flash, errorBox, amsterdamToUtc, formatTime, showFieldErrors, errorText, confirmDialog, parseUtc,
} from '../ui.js';
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
      h(
        'div',
        { class: 'field' },
        h('label', { for: `${prefix}-at` }, 'Datum en tijd'),
        at,
        h('p', { class: 'hint', id: `${prefix}-tz` }, 'Tijd in Nederland (Europe/Amsterdam).'),
      ),
    ),
    /** undefined for now, a UTC ISO string, or null when the time is missing or invalid. */
    value: () => (later.checked ? amsterdamToUtc(at.value) : undefined),
  };
}

/** A chosen time that has passed already: the change would happen at once, so ask. */
async function pastTimeOk(at, what) {
  if (!at || parseUtc(at).getTime() > Date.now()) return true;
  return confirmDialog(`${formatTime(at)} is al voorbij: het item gaat dan meteen ${what}. Toch doorgaan?`, { confirm: `Nu ${what}` });
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
  publishForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const at = pubWhen.value();
    if (at === null) {
      showFieldErrors(publishForm, [{ field: 'at', message: 'Kies een datum en tijd.' }]);
      return;
    }
    if (!(await pastTimeOk(at, 'live'))) return;
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
  unpublishForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const at = unpubWhen.value();
    if (at === null) {
      showFieldErrors(unpublishForm, [{ field: 'at', message: 'Kies een datum en tijd.' }]);
      return;
    }
    const future = at && parseUtc(at).getTime() > Date.now();
    if (at && !future) {
      if (!(await pastTimeOk(at, 'offline'))) return;
    } else {
      const question = future
        ? `Dit item op ${formatTime(at)} offline halen? Het verdwijnt dan van de website.`
        : `Dit item nu offline halen?${item.published_version ? ' Het verdwijnt meteen van de website.' : ''}${item.publish_at ? ' De geplande publicatie vervalt.' : ''}`;
      if (!(await confirmDialog(question, { confirm: future ? 'Offline halen plannen' : 'Offline halen', danger: true }))) return;
    }
    send(unpublishForm, `/admin/content/${id}/unpublish`, at ? { at } : {}, (it) => {
      if (it && it.unpublish_at) return `Gaat offline op ${formatTime(it.unpublish_at)}.`;
      // What was true before: live, or only planned (then nothing was ever on the site).
      if (item.published_version) return 'Het item staat niet meer live.';
      return item.publish_at ? 'De geplande publicatie is geschrapt; het item stond nog niet live.' : 'Het item stond niet live.';
    });
  });

  /** Drops a planned publication or unpublication; what is live now stays as it is. */
  const cancel = (change, question, done) =>
    h('button', {
      type: 'button',
      class: `cancel-${change}`,
      onclick: async () => {
        if (!(await confirmDialog(question, { confirm: 'Ja, annuleren', cancel: 'Nee' }))) return;
        message.replaceChildren();
        try {
          await api.post(`/admin/content/${id}/unschedule`, { change }, { etag });
          flash(done);
          navigate(itemPath(item, 'publiceren'), { replace: true });
        } catch (err) {
          fill(message, err.status === 412 ? h('div', { class: 'warn-box', role: 'alert' }, 'Iemand anders heeft dit item intussen gewijzigd. ', h('a', { href: itemPath(item, 'publiceren') }, 'Opnieuw laden')) : errorBox(err));
        }
      },
    }, change === 'publish' ? 'Geplande publicatie annuleren' : 'Gepland offline halen annuleren');
  const planned = writable && (item.publish_at || item.unpublish_at)
    ? h(
      'div',
      { class: 'actions planned' },
      item.publish_at
        ? cancel('publish', `De publicatie van ${formatTime(item.publish_at)} annuleren?${item.published_version ? ' Wat nu live staat, blijft live.' : ' Het item blijft offline.'}`, 'De geplande publicatie is geannuleerd.')
        : null,
      item.unpublish_at
        ? cancel('unpublish', `Het offline halen op ${formatTime(item.unpublish_at)} annuleren? Het item blijft dan live.`, 'Het geplande offline halen is geannuleerd.')
        : null,
    )
    : null;

  const live = item.published_version
    ? item.published_version === item.version
      ? 'De laatste versie staat live.'
      : `Live staat versie ${item.published_version}; de laatste versie (${item.version}) is nog niet gepubliceerd.`
    : 'Er staat geen versie live.';
  fill(
    root,
    itemHeader(item, 'publiceren'),
    h('p', { class: 'glance' }, live),
    planned,
    message,
    writable
      ? h('div', { class: 'publish-grid' }, h('section', {}, publishForm), h('section', {}, unpublishForm))
      : h('p', { class: 'muted' }, item.status === 'archived' ? 'Dit item is gearchiveerd.' : 'Je rol mag niet publiceren.'),
  );
}
