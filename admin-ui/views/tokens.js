// Tokens (admin): API tokens for build servers and scripts. The secret shows once, with a
// copy button; revoking works at once.

import * as api from '../api.js';
import { h, fill, field, ROLES, setTitle, flash, errorBox, timeEl, showFieldErrors, clearFieldErrors, confirmDialog } from '../ui.js';
import { navigate } from '../app.js';

export default async function tokens(root) {
  setTitle('Tokens');
  const [{ data }, usersRes] = await Promise.all([api.get('/admin/tokens'), api.get('/admin/users').catch(() => ({ data: [] }))]);
  const list = api.itemsOf(data);
  const owners = new Map(api.itemsOf(usersRes.data).map((u) => [u.id, u.email]));
  const secretBox = h('div', { 'aria-live': 'polite' });
  const message = h('div', { 'aria-live': 'assertive' });
  const name = h('input', { type: 'text', placeholder: 'bijv. website-build' });
  const role = h('select', {}, h('option', { value: '' }, 'mijn eigen rol'), Object.entries(ROLES).map(([v, l]) => h('option', { value: v }, `${l} (${v})`)));
  role.value = 'read';
  const form = h(
    'form',
    { class: 'card', novalidate: true },
    h('h2', {}, 'Token maken'),
    message,
    field('Naam', name, { name: 'name', required: true }),
    field('Rol', role, { name: 'role', hint: '“alleen lezen” laat een build-server concepten lezen zonder iets te kunnen wijzigen.' }),
    h('button', { type: 'submit', class: 'primary' }, 'Token maken'),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearFieldErrors(form);
    message.replaceChildren();
    const body = { name: name.value.trim() };
    if (role.value) body.role = role.value;
    try {
      const { data: made } = await api.post('/admin/tokens', body);
      const code = h('code', { class: 'token-secret' }, made.secret);
      const copy = h('button', { type: 'button', class: 'copy' }, 'Kopiëren');
      copy.addEventListener('click', async () => {
        try {
          await navigator.clipboard.writeText(made.secret);
          copy.textContent = 'Gekopieerd';
        } catch {
          const range = document.createRange();
          range.selectNodeContents(code);
          const sel = window.getSelection();
          sel.removeAllRanges();
          sel.addRange(range);
          copy.textContent = 'Geselecteerd: kopieer met Ctrl+C';
        }
      });
      fill(
        secretBox,
        h(
          'div',
          { class: 'warn-box', role: 'alert' },
          h('h2', {}, `Token “${made.name}” is gemaakt`),
          h('p', {}, 'Kopieer het geheim nu: het wordt maar één keer getoond.'),
          h('div', { class: 'secret' }, code, copy),
          h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => navigate('/admin/tokens', { replace: true }) }, 'Klaar, ik heb het bewaard')),
        ),
      );
      copy.focus();
    } catch (err) {
      const orphans = err.errors.length ? showFieldErrors(form, err.errors) : [];
      if (!err.errors.length || orphans.length) fill(message, errorBox(err));
    }
  });
  const revoke = async (t) => {
    if (!(await confirmDialog(`Token “${t.name}” intrekken? Wie het gebruikt, komt er meteen niet meer in.`, { confirm: 'Intrekken', danger: true }))) return;
    try {
      await api.del(`/admin/tokens/${t.id}`);
      flash(`Token “${t.name}” is ingetrokken.`);
      navigate('/admin/tokens', { replace: true });
    } catch (err) {
      flash(err.message, 'warn');
    }
  };
  fill(
    root,
    h('h1', {}, 'Tokens'),
    secretBox,
    h(
      'div',
      { class: 'split' },
      list.length
        ? h(
            'table',
            { class: 'list tokens' },
            h('thead', {}, h('tr', {}, ['Naam', 'Rol', 'Van', 'Gemaakt', 'Laatst gebruikt', ''].map((t) => h('th', { scope: 'col' }, t || h('span', { class: 'sr-only' }, 'Acties'))))),
            h(
              'tbody',
              {},
              list.map((t) =>
                h(
                  'tr',
                  {},
                  h('td', { 'data-label': 'Naam' }, t.name),
                  h('td', { 'data-label': 'Rol' }, ROLES[t.role] || t.role),
                  h('td', { 'data-label': 'Van' }, owners.get(t.user_id) || t.user_id),
                  h('td', { 'data-label': 'Gemaakt' }, timeEl(t.created_at)),
                  h('td', { 'data-label': 'Laatst gebruikt' }, timeEl(t.last_used_at)),
                  h('td', {}, h('button', { type: 'button', class: 'link', onclick: () => revoke(t) }, 'Intrekken')),
                ),
              ),
            ),
          )
        : h('p', { class: 'empty' }, 'Nog geen tokens.'),
      form,
    ),
  );
}
