// The app shell: who is signed in, the menu their role allows, and the router that maps
// addresses under /admin to screens.

import * as api from './api.js';
import { h, fill, ROLES, flash, errorBox } from './ui.js';

export const session = { me: null };

/** Which screens each role may see, in menu order (the API checks the same rules). */
const SCREENS = [
  { path: 'inhoud', label: 'Inhoud', roles: ['admin', 'editor', 'read'], load: () => import('./views/content.js') },
  { path: 'homepagina', label: 'Homepagina', roles: ['admin', 'editor', 'read'], load: () => import('./views/home.js') },
  { path: 'bestanden', label: 'Bestanden', roles: ['admin', 'editor', 'read'], load: () => import('./views/files.js') },
  { path: 'leden', label: 'Leden', roles: ['admin', 'membership'], load: () => import('./views/members.js') },
  { path: 'gebruikers', label: 'Gebruikers', roles: ['admin'], load: () => import('./views/users.js') },
  { path: 'tokens', label: 'Tokens', roles: ['admin'], load: () => import('./views/tokens.js') },
  { path: 'webhooks', label: 'Webhooks', roles: ['admin'], load: () => import('./views/webhooks.js') },
  { path: 'activiteit', label: 'Activiteit', roles: ['admin'], load: () => import('./views/audit.js') },
];

export function can(what) {
  const role = session.me && session.me.role;
  if (what === 'write-content') return role === 'admin' || role === 'editor';
  return false;
}

function allowed() {
  const role = session.me && session.me.role;
  return SCREENS.filter((s) => s.roles.includes(role));
}

let leaveGuard = null;

/**
 * A screen with unsaved input sets a guard (a function saying whether leaving would lose
 * something); leaving then asks first, in the app and when the page itself is left.
 */
export function setLeaveGuard(fn) {
  leaveGuard = fn;
}

const LEAVE_QUESTION = 'Je hebt wijzigingen die nog niet zijn opgeslagen. Toch weggaan?';

window.addEventListener('beforeunload', (e) => {
  if (leaveGuard && leaveGuard()) {
    e.preventDefault();
    e.returnValue = LEAVE_QUESTION;
  }
});

/** Goes to an address under /admin without reloading. */
export function navigate(path, { replace = false } = {}) {
  if (leaveGuard && leaveGuard() && !window.confirm(LEAVE_QUESTION)) return;
  leaveGuard = null;
  const url = path.startsWith('/admin') ? path : `/admin/${path.replace(/^\//, '')}`;
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  render();
}

function renderChrome() {
  const nav = document.getElementById('nav');
  const who = document.getElementById('who');
  if (!session.me) {
    nav.hidden = true;
    who.hidden = true;
    return;
  }
  const current = location.pathname.split('/')[2] || '';
  fill(
    nav,
    h(
      'ul',
      {},
      allowed().map((s) =>
        h(
          'li',
          {},
          h('a', { href: `/admin/${s.path}`, 'aria-current': s.path === current ? 'page' : null }, s.label),
        ),
      ),
    ),
  );
  const me = session.me;
  fill(
    who,
    h(
      'span',
      { class: 'who-name', title: me.email },
      me.name || me.email,
      ' ',
      h('span', { class: 'role' }, ROLES[me.role] || me.role),
    ),
    h('button', { type: 'button', class: 'link', onclick: logout }, 'Uitloggen'),
  );
  nav.hidden = false;
  who.hidden = false;
}

async function logout() {
  try {
    await api.post('/auth/logout', undefined, { noAuthRedirect: true });
  } catch {
    // Signed out either way: the session is gone or was already.
  }
  session.me = null;
  flash('Je bent uitgelogd.');
  navigate('inloggen');
}

let renderSeq = 0;

/** Renders the screen for the current address. */
export async function render() {
  const seq = (renderSeq += 1);
  const main = document.getElementById('main');
  const parts = location.pathname.replace(/^\/admin\/?/, '').split('/').filter(Boolean);
  const params = new URLSearchParams(location.search);
  if (!session.me && parts[0] !== 'inloggen') {
    try {
      session.me = (await api.get('/auth/me', { noAuthRedirect: true })).data;
    } catch {
      session.me = null;
    }
  }
  if (seq !== renderSeq) return;
  if (!session.me && parts[0] !== 'inloggen') {
    const back = location.pathname + location.search;
    history.replaceState(null, '', `/admin/inloggen${back.length > 7 && back !== '/admin/' ? `?terug=${encodeURIComponent(back)}` : ''}`);
    return render();
  }
  renderChrome();
  let view;
  if (parts[0] === 'inloggen') {
    view = await import('./views/login.js');
  } else {
    const screens = allowed();
    const screen = screens.find((s) => s.path === parts[0]);
    if (!screen) {
      if (screens.length) {
        history.replaceState(null, '', `/admin/${screens[0].path}`);
        return render();
      }
      fill(main, h('h1', {}, 'Geen toegang'), h('p', {}, 'Je rol geeft toegang tot geen enkel scherm.'));
      return undefined;
    }
    view = await screen.load();
  }
  if (seq !== renderSeq) return;
  const root = h('div', { class: 'view' });
  fill(main, root);
  try {
    await view.default(root, { parts: parts.slice(1), params, session });
  } catch (err) {
    if (seq === renderSeq) fill(root, errorBox(err));
  }
  if (seq === renderSeq && document.activeElement === document.body) main.focus({ preventScroll: true });
}

/** Sets who is signed in (after logging in) and shows the first screen. */
export function signedIn(me, back) {
  session.me = me;
  navigate(back && back.startsWith('/admin/') ? back : '/admin/', { replace: true });
}

api.setUnauthorizedHandler(() => {
  if (!session.me) return;
  session.me = null;
  flash('Je sessie is verlopen; log opnieuw in.', 'warn');
  navigate(`inloggen?terug=${encodeURIComponent(location.pathname)}`, { replace: true });
});

// Links under /admin change screens without a reload (plain clicks only).
document.addEventListener('click', (e) => {
  const a = e.target.closest('a[href]');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  if (a.target || a.hasAttribute('download')) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || !url.pathname.startsWith('/admin')) return;
  e.preventDefault();
  navigate(url.pathname + url.search);
});

window.addEventListener('popstate', render);
render();
