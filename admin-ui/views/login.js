// Inloggen: e-mail and password to a session cookie.

import * as api from '../api.js';
import { h, field, setTitle, errorBox, fill } from '../ui.js';
import { signedIn } from '../app.js';

export default async function login(root, { params, session }) {
  setTitle('Inloggen');
  if (session.me) {
    signedIn(session.me, params.get('terug'));
    return;
  }
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const message = h('div', { 'aria-live': 'assertive' });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Inloggen');
  const form = h(
    'form',
    { class: 'card narrow', novalidate: true },
    h('h1', {}, 'Inloggen'),
    message,
    field('E-mailadres', email),
    field('Wachtwoord', password),
    h('div', { class: 'actions' }, button),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    message.replaceChildren();
    if (!email.value || !password.value) {
      fill(message, errorBox(new Error('Vul je e-mailadres en wachtwoord in.')));
      return;
    }
    button.disabled = true;
    try {
      const { data } = await api.post(
        '/auth/login',
        { email: email.value, password: password.value },
        { noAuthRedirect: true },
      );
      signedIn(data, params.get('terug'));
    } catch (err) {
      let text = err.message;
      if (err.status === 401) text = 'Onbekend e-mailadres of verkeerd wachtwoord.';
      if (err.status === 429) text = 'Te veel mislukte pogingen. Probeer het over een tijdje opnieuw.';
      fill(message, h('div', { class: 'error-box', role: 'alert' }, text));
      password.select();
    } finally {
      button.disabled = false;
    }
  });
  fill(root, form);
  email.focus();
}
