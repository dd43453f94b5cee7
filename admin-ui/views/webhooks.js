// Webhooks (admin): which addresses hear of changes, a test delivery, and per webhook the
// log of deliveries with their attempts and a button to send one again.

import * as api from '../api.js';
import { h, fill, field, setTitle, flash, errorBox, timeEl, showFieldErrors, clearFieldErrors, confirmDialog } from '../ui.js';
import { navigate } from '../app.js';

export const EVENTS = {
  'content.published': 'Gepubliceerd',
  'content.unpublished': 'Offline gehaald',
  'content.archived': 'Gearchiveerd',
  'content.updated': 'Nieuwe versie opgeslagen',
  'file.uploaded': 'Bestand geüpload',
  'membership.created': 'Nieuwe aanmelding (alleen het id)',
};

const STATUS = { pending: 'wacht', delivered: 'afgeleverd', failed: 'opgegeven' };

/** Why an attempt failed, in Dutch (the server's sentence when it is not one of these). */
function attemptError(error) {
  if (error === 'could not connect') return 'kon geen verbinding maken';
  if (error === 'the request failed') return 'het verzoek mislukte';
  if (/^no answer within/.test(error)) return 'geen antwoord binnen 10 seconden';
  if (/resolves only to loopback/.test(error)) return 'het adres wijst naar een intern netwerk en is niet toegestaan';
  if (/^the URL /.test(error)) return 'het adres is niet (meer) toegestaan';
  return error;
}

export default async function webhooks(root, { parts }) {
  if (parts[0]) return log(root, parts[0]);
  setTitle('Webhooks');
  const { data } = await api.get('/admin/webhooks');
  const list = api.itemsOf(data);
  const secretBox = h('div', { 'aria-live': 'polite' });
  const message = h('div', { 'aria-live': 'assertive' });
  const url = h('input', { type: 'url', autocomplete: 'off' });
  const description = h('input', { type: 'text', placeholder: 'bijv. website opnieuw bouwen' });
  const boxes = Object.entries(EVENTS).map(([value, label]) => {
    const box = h('input', { type: 'checkbox', value, checked: value.startsWith('content.') && value !== 'content.updated' });
    return h('label', { class: 'check' }, box, ' ', label, ' ', h('code', {}, value));
  });
  const events = h('fieldset', { class: 'group events', 'data-field': 'events' }, h('legend', {}, 'Gebeurtenissen'), boxes);
  const form = h(
    'form',
    { class: 'card', novalidate: true },
    h('h2', {}, 'Webhook toevoegen'),
    message,
    field('Adres (URL)', url, { name: 'url', required: true, hint: 'Alleen https. Elke aflevering is ondertekend (X-OA-Signature); het geheim zie je één keer.' }),
    events,
    field('Omschrijving', description, { name: 'description' }),
    h('button', { type: 'submit', class: 'primary' }, 'Webhook toevoegen'),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    message.replaceChildren();
    const body = {
      url: url.value.trim(),
      events: [...events.querySelectorAll('input:checked')].map((b) => b.value),
      description: description.value.trim() || undefined,
    };
    try {
      const { data: made } = await api.post('/admin/webhooks', body);
      fill(
        secretBox,
        h(
          'div',
          { class: 'warn-box', role: 'alert' },
          h('h2', {}, 'Webhook is toegevoegd'),
          h('p', {}, 'Bewaar dit geheim bij de ontvanger: daarmee controleert die de handtekening. Het wordt maar één keer getoond.'),
          h('div', { class: 'secret' }, h('code', { class: 'webhook-secret' }, made.secret)),
          h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => navigate('/admin/webhooks', { replace: true }) }, 'Klaar, ik heb het bewaard')),
        ),
      );
    } catch (err) {
      const orphans = err.errors.length ? showFieldErrors(form, err.errors) : [];
      if (!err.errors.length || orphans.length) fill(message, errorBox(err));
    }
  });
  const act = async (fn, done) => {
    try {
      await fn();
      flash(done);
      navigate('/admin/webhooks', { replace: true });
    } catch (err) {
      flash(err.message, 'warn');
    }
  };
  const remove = async (w) => {
    if (!(await confirmDialog(`Webhook naar ${w.url} verwijderen, met zijn log?`, { confirm: 'Verwijderen', danger: true }))) return;
    act(() => api.del(`/admin/webhooks/${w.id}`), 'De webhook is verwijderd.');
  };
  const test = async (w) => {
    try {
      await api.post(`/admin/webhooks/${w.id}/test`, {});
      flash('Testaflevering verstuurd; zie het log.');
      navigate(`/admin/webhooks/${w.id}`);
    } catch (err) {
      flash(err.message, 'warn');
    }
  };
  fill(
    root,
    h('h1', {}, 'Webhooks'),
    h('p', { class: 'hint' }, 'Een webhook meldt een website of build-server wat er veranderde, vlak na het opslaan (ook geplande publicaties, op hun tijd).'),
    secretBox,
    list.length
      ? h(
          'table',
          { class: 'list webhooks' },
          h('thead', {}, h('tr', {}, ['Adres', 'Gebeurtenissen', 'Actief', 'Acties'].map((t) => h('th', { scope: 'col' }, t)))),
          h(
            'tbody',
            {},
            list.map((w) =>
              h(
                'tr',
                {},
                h('td', { 'data-label': 'Adres' }, h('a', { href: `/admin/webhooks/${w.id}` }, w.url), w.description ? h('div', { class: 'hint' }, w.description) : null),
                h('td', { 'data-label': 'Gebeurtenissen' }, w.events.map((e) => EVENTS[e] || e).join(', ')),
                h('td', { 'data-label': 'Actief' }, w.active ? 'ja' : 'nee'),
                h(
                  'td',
                  { 'data-label': 'Acties', class: 'row-actions' },
                  h('button', { type: 'button', class: 'link', onclick: () => test(w) }, 'Test'),
                  ' ',
                  h('button', { type: 'button', class: 'link', onclick: () => act(() => api.patch(`/admin/webhooks/${w.id}`, { active: !w.active }), w.active ? 'De webhook staat uit.' : 'De webhook staat aan.') }, w.active ? 'Uitzetten' : 'Aanzetten'),
                  ' ',
                  h('button', { type: 'button', class: 'link', onclick: () => remove(w) }, 'Verwijderen'),
                ),
              ),
            ),
          ),
        )
      : h('p', { class: 'empty' }, 'Nog geen webhooks.'),
    form,
  );
  return undefined;
}

/** The delivery log of one webhook. */
async function log(root, id) {
  const [{ data: w }, { data: page }] = await Promise.all([api.get(`/admin/webhooks/${id}`), api.get(`/admin/webhooks/${id}/deliveries?limit=50`)]);
  setTitle(`Webhook ${w.url}`);
  const again = async (d) => {
    try {
      await api.post(`/admin/webhooks/${id}/deliveries/${d.id}/retry`, {});
      flash('De aflevering wordt opnieuw verstuurd.');
      navigate(`/admin/webhooks/${id}`, { replace: true });
    } catch (err) {
      flash(err.message, 'warn');
    }
  };
  const test = async () => {
    try {
      await api.post(`/admin/webhooks/${id}/test`, {});
      flash('Testaflevering verstuurd.');
      navigate(`/admin/webhooks/${id}`, { replace: true });
    } catch (err) {
      flash(err.message, 'warn');
    }
  };
  const attempts = (d) =>
    d.attempts.length
      ? h(
          'ol',
          { class: 'attempts' },
          d.attempts.map((a) => h('li', {}, timeEl(a.at), ` · ${a.duration_ms} ms · `, a.status_code ? `antwoord ${a.status_code}` : 'geen antwoord', a.error && !a.status_code ? ` · ${attemptError(a.error)}` : '')),
        )
      : 'nog niet geprobeerd';
  fill(
    root,
    h('p', {}, h('a', { href: '/admin/webhooks' }, '← Webhooks')),
    h('h1', {}, 'Afleveringen'),
    h('p', {}, h('code', {}, w.url), w.active ? '' : ' (staat uit)'),
    h('div', { class: 'actions log-actions' }, h('button', { type: 'button', onclick: test }, 'Test versturen'), h('button', { type: 'button', onclick: () => navigate(`/admin/webhooks/${id}`, { replace: true }) }, 'Vernieuwen')),
    page.items.length
      ? h(
          'table',
          { class: 'list deliveries' },
          h('thead', {}, h('tr', {}, ['Gemaakt', 'Gebeurtenis', 'Status', 'Pogingen', 'Volgende poging', 'Acties'].map((t) => h('th', { scope: 'col' }, t)))),
          h(
            'tbody',
            {},
            page.items.map((d) =>
              h(
                'tr',
                { dataset: { delivery: d.id } },
                h('td', { 'data-label': 'Gemaakt' }, timeEl(d.created_at)),
                h('td', { 'data-label': 'Gebeurtenis' }, h('code', {}, d.event), d.payload.data && d.payload.data.slug ? ` ${d.payload.data.slug}` : ''),
                h('td', { 'data-label': 'Status', class: `delivery-${d.status}` }, STATUS[d.status] || d.status),
                h('td', { 'data-label': 'Pogingen' }, attempts(d)),
                h('td', { 'data-label': 'Volgende poging' }, d.next_attempt_at ? timeEl(d.next_attempt_at) : '–'),
                h('td', { 'data-label': 'Acties' }, h('button', { type: 'button', class: 'link', onclick: () => again(d) }, 'Opnieuw versturen')),
              ),
            ),
          ),
        )
      : h('p', { class: 'empty' }, 'Nog geen afleveringen.'),
  );
  return undefined;
}
