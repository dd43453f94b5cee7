// Gebruikers (admin): staff users with their roles; add, change role, reset password, remove.

import * as api from '../api.js';
import { h, fill, field, ROLES, setTitle, flash, errorBox, timeEl, showFieldErrors, clearFieldErrors, confirmDialog, errorText } from '../ui.js';
import { session, navigate } from '../app.js';

const roleSelect = (value, attrs = {}) => {
  const el = h('select', attrs, Object.entries(ROLES).map(([v, l]) => h('option', { value: v }, `${l} (${v})`)));
  el.value = value;
  return el;
};

/** What each role may do, to say what a change of role changes. */
const CAN = {
  admin: 'alles, ook gebruikers, tokens en de activiteit beheren',
  editor: 'inhoud, homepagina en bestanden bewerken en publiceren',
  membership: 'alleen de aanmeldingen bij Leden behandelen',
  read: 'inhoud en bestanden alleen bekijken',
};

/** The question asked before a role changes: who, from what to what, and what that means. */
function roleQuestion(u, to, self) {
  const parts = [
    `De rol van ${u.email} wijzigen van ${ROLES[u.role]} naar ${ROLES[to]}?`,
    `Nu: ${CAN[u.role]}. Daarna: ${CAN[to]}.`,
  ];
  if (self && to !== 'admin') {
    parts.push('Dit ben jij: je verliest meteen de toegang tot Gebruikers, Tokens en Activiteit, en kunt dit niet zelf terugdraaien.');
  }
  return parts.join(' ');
}

export default async function users(root) {
  setTitle('Gebruikers');
  const { data } = await api.get('/admin/users');
  const list = api.itemsOf(data);
  const reload = () => navigate('/admin/gebruikers', { replace: true });

  const email = h('input', { type: 'email', autocomplete: 'off' });
  const name = h('input', { type: 'text', autocomplete: 'off' });
  const password = h('input', { type: 'text', autocomplete: 'new-password', minlength: 12 });
  const role = roleSelect('editor');
  const message = h('div', { 'aria-live': 'assertive' });
  const form = h(
    'form',
    { class: 'card', novalidate: true },
    h('h2', {}, 'Gebruiker toevoegen'),
    message,
    field('E-mailadres', email, { name: 'email', required: true }),
    field('Naam', name, { name: 'name' }),
    field('Wachtwoord', password, { name: 'password', required: true, hint: 'Geef het persoonlijk door; de gebruiker kan het later laten wijzigen.' }),
    field('Rol', role, { name: 'role', required: true }),
    h('button', { type: 'submit', class: 'primary' }, 'Toevoegen'),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    message.replaceChildren();
    const body = { email: email.value.trim(), password: password.value, role: role.value };
    if (name.value.trim()) body.name = name.value.trim();
    try {
      await api.post('/admin/users', body);
      flash(`Gebruiker ${body.email} is toegevoegd.`);
      reload();
    } catch (err) {
      const orphans = err.errors.length ? showFieldErrors(form, err.errors) : [];
      if (!err.errors.length || orphans.length) fill(message, errorBox(err));
    }
  });

  const rows = list.map((u) => {
    const r = roleSelect(u.role, { 'aria-label': `Rol van ${u.email}` });
    const self = session.me && session.me.id === u.id;
    // Nothing changes until confirmed: an arrow key on the list only asks.
    r.addEventListener('change', async () => {
      const to = r.value;
      if (to === u.role) return;
      const danger = self || u.role === 'admin';
      if (!(await confirmDialog(roleQuestion(u, to, self), { confirm: 'Rol wijzigen', danger }))) {
        r.value = u.role;
        r.focus();
        return;
      }
      try {
        await api.patch(`/admin/users/${u.id}`, { role: to });
        u.role = to;
        flash(`${u.email} is nu ${ROLES[to]}.`);
        if (self && to !== 'admin') window.location.assign('/admin/');
      } catch (err) {
        r.value = u.role;
        flash(err.message, 'warn');
      }
    });
    const reset = async () => {
      const pw = window.prompt(`Nieuw wachtwoord voor ${u.email}:`);
      if (!pw) return;
      try {
        await api.patch(`/admin/users/${u.id}`, { password: pw });
        flash('Het wachtwoord is gewijzigd.');
      } catch (err) {
        flash(err.errors.length ? err.errors.map(errorText).join(' ') : err.message, 'warn');
      }
    };
    const remove = async () => {
      if (!(await confirmDialog(`${u.email} verwijderen? Sessies en tokens van deze gebruiker vervallen meteen.`, { confirm: 'Verwijderen', danger: true }))) return;
      try {
        await api.del(`/admin/users/${u.id}`);
        flash(`${u.email} is verwijderd.`);
        reload();
      } catch (err) {
        flash(err.message, 'warn');
      }
    };
    return h(
      'tr',
      {},
      h('td', { 'data-label': 'E-mail' }, u.email, self ? h('span', { class: 'muted' }, ' (jij)') : null),
      h('td', { 'data-label': 'Naam' }, u.name || ''),
      h('td', { 'data-label': 'Rol' }, r),
      h('td', { 'data-label': 'Sinds' }, timeEl(u.created_at)),
      h(
        'td',
        {},
        h('button', { type: 'button', onclick: reset }, 'Wachtwoord'),
        ' ',
        self ? null : h('button', { type: 'button', class: 'link', onclick: remove }, 'Verwijderen'),
      ),
    );
  });
  fill(
    root,
    h('h1', {}, 'Gebruikers'),
    // The list takes the full width (its buttons never slide under the form); the form follows.
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'list users' },
        h('thead', {}, h('tr', {}, ['E-mail', 'Naam', 'Rol', 'Sinds', ''].map((t) => h('th', { scope: 'col' }, t || h('span', { class: 'sr-only' }, 'Acties'))))),
        h('tbody', {}, rows),
      ),
    ),
    h('div', { class: 'add-user' }, form),
  );
}
