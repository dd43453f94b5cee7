// Small helpers every screen uses: building elements, Dutch labels, dates in Amsterdam time,
// messages, and showing a problem's field errors beside their fields.

/**
 * Builds an element. Attributes named `on<event>` become listeners (never inline handlers,
 * the CSP forbids those); `class`, `for`, booleans and `dataset` are handled; children may be
 * strings, nodes, arrays, or null.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2).toLowerCase(), v);
    } else if (k === 'class') {
      el.className = v;
    } else if (k === 'dataset') {
      Object.assign(el.dataset, v);
    } else if (k === 'value' && 'value' in el) {
      el.value = v;
    } else if (v === true) {
      el.setAttribute(k, '');
    } else {
      el.setAttribute(k, String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export const KINDS = {
  news: 'Nieuws',
  manifest: 'Manifest',
  download: 'Download',
  video: 'Video',
  page: 'Pagina',
  location: 'Ontwikkelplek',
  home: 'Homepagina',
};

/** Kinds of which there may be many (the home page is a single item, made at the start). */
export const LISTED_KINDS = Object.fromEntries(Object.entries(KINDS).filter(([k]) => k !== 'home'));

/** Kinds with a `position` field: their items have an order of their own. */
export const POSITIONED_KINDS = ['page', 'location', 'download'];

export const STATUSES = {
  draft: 'concept',
  published: 'gepubliceerd',
  changed: 'gewijzigd',
  scheduled: 'gepland',
  archived: 'gearchiveerd',
};

export const ROLES = {
  admin: 'beheerder',
  editor: 'redacteur',
  membership: 'ledenbeheer',
  read: 'alleen lezen',
};

export const MEMBER_STATUSES = { new: 'nieuw', approved: 'goedgekeurd', rejected: 'afgewezen' };
export const MEMBER_ROLES = {
  koploper: 'Koploper',
  sloper: 'Sloper',
  verbinder: 'Verbinder',
  bouwer: 'Bouwer',
  volger: 'Volger',
};
export const SECTORS = {
  bedrijfsleven: 'Bedrijfsleven',
  wetenschap: 'Wetenschap',
  maatschappelijk: 'Maatschappelijk',
  onderwijs: 'Onderwijs',
  anders: 'Anders',
};

export function statusBadge(status) {
  return h('span', { class: `badge badge-${status}` }, STATUSES[status] || status);
}

export const TZ = 'Europe/Amsterdam';

const dateTimeFmt = new Intl.DateTimeFormat('nl-NL', {
  timeZone: TZ,
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

/** An API time (UTC; with or without `Z`) as Dutch text in Amsterdam time. */
export function formatTime(value) {
  const d = parseUtc(value);
  return d ? dateTimeFmt.format(d) : '';
}

export function parseUtc(value) {
  if (!value) return null;
  const s = /[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function timeEl(value) {
  const d = parseUtc(value);
  if (!d) return h('span', { class: 'muted' }, '—');
  return h('time', { datetime: d.toISOString() }, dateTimeFmt.format(d));
}

const partsFmt = new Intl.DateTimeFormat('en-GB', {
  timeZone: TZ,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** Amsterdam wall-clock time of an instant, as the fields of a datetime-local value. */
function amsterdamParts(ms) {
  const p = Object.fromEntries(partsFmt.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return { y: +p.year, mo: +p.month, d: +p.day, h: +p.hour, mi: +p.minute, s: +p.second };
}

/**
 * A `datetime-local` value meant as Amsterdam time, whatever the browser's own zone,
 * as a UTC ISO string; null when empty or invalid.
 */
export function amsterdamToUtc(local) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local || '');
  if (!m) return null;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  // The offset depends on the instant (summer time); two rounds settle it.
  let guess = wall;
  for (let i = 0; i < 2; i += 1) {
    const p = amsterdamParts(guess);
    const seen = Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s);
    guess += wall - seen;
  }
  return new Date(guess).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A UTC time as a `datetime-local` value in Amsterdam time. */
export function utcToAmsterdamInput(value) {
  const d = parseUtc(value);
  if (!d) return '';
  const p = amsterdamParts(d.getTime());
  const two = (n) => String(n).padStart(2, '0');
  return `${p.y}-${two(p.mo)}-${two(p.d)}T${two(p.h)}:${two(p.mi)}`;
}

export function formatSize(bytes) {
  if (bytes === undefined || bytes === null) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1).replace('.', ',')} kB`;
  return `${(bytes / 1024 / 1024).toFixed(1).replace('.', ',')} MB`;
}

let flashTimer = null;

/** A short message at the top of the page (read out by screen readers). */
export function flash(message, kind = 'ok') {
  const el = document.getElementById('flash');
  if (!el) return;
  fill(el, h('p', { class: `flash-${kind}` }, message));
  clearTimeout(flashTimer);
  flashTimer = setTimeout(() => el.replaceChildren(), 6000);
}

/** A box saying what went wrong, for errors that belong to no field. */
export function errorBox(err) {
  const title = err && err.status === 403 ? 'Dit mag je rol niet.' : 'Dat lukte niet.';
  return h(
    'div',
    { class: 'error-box', role: 'alert' },
    h('strong', {}, title),
    ' ',
    err && err.message ? err.message : String(err),
  );
}

/** Numbers in the server's English message (limits such as "at most 200 characters"). */
const numbersIn = (message) => (String(message || '').match(/\d+/g) || []).map(Number);

/**
 * A problem's `errors[]` entry in Dutch, from its stable `code` (the English `message`
 * only lends its numbers); an entry without a known code keeps its message.
 */
export function errorText(e) {
  const [a, b] = numbersIn(e.message);
  const field = String(e.field || '');
  switch (e.code) {
    case 'required':
      return /file_id|file$/.test(field) ? 'Kies een bestand.' : 'Vul dit in; het is verplicht.';
    case 'too_short':
      return a ? `Te kort: minstens ${a} tekens.` : 'Te kort.';
    case 'too_long':
      return a ? `Te lang: hoogstens ${a} ${/bytes/.test(e.message) ? 'bytes' : 'tekens'}.` : 'Te lang.';
    case 'too_many':
      return a ? `Te veel: hoogstens ${a}.` : 'Te veel.';
    case 'out_of_range':
      return b !== undefined ? `Kies een heel getal van ${a} tot en met ${b}.` : 'Dit getal kan hier niet.';
    case 'invalid_choice':
      return 'Kies een van de mogelijke waarden.';
    case 'invalid_format':
      if (/email/.test(field)) return 'Vul een geldig e-mailadres in.';
      if (/url/.test(field)) return 'Vul een volledige link in, beginnend met https://.';
      if (/date/.test(field)) return 'Vul een datum in.';
      if (/slug/.test(field)) return 'Alleen kleine letters en cijfers, in woorden met één streepje ertussen.';
      return 'Dit heeft niet de juiste vorm.';
    case 'unknown_field':
      return 'Dit veld hoort hier niet.';
    case 'duplicate':
      return 'Dit staat er meer dan eens in.';
    case 'unknown_file':
      return 'Kies een bestand uit de bestanden; dit bestand bestaat niet (meer).';
    case 'unknown_item':
      return 'Dit item bestaat niet (meer); kies een ander.';
    case 'wrong_kind':
      return 'Dit item is van een andere soort; kies een ander.';
    case 'self_reference':
      return 'Een item kan niet naar zichzelf verwijzen.';
    case 'not_found':
      return 'Dat bestaat niet.';
    case 'taken':
      return /slug/.test(field) ? 'Een ander item heeft dit adres al.' : 'Dit is al in gebruik; kies iets anders.';
    case 'in_use':
      return 'Dit is nog in gebruik.';
    case 'not_allowed':
      if (/url/.test(field)) return 'Dit adres mag niet: gebruik https, en geen intern of lokaal adres.';
      return 'Dit is hier niet toegestaan.';
    default:
      return e.message;
  }
}

/** The closest element that shows a field's error: `tags[3]` falls back to `tags`. */
function fieldTarget(form, field) {
  let name = field;
  while (name) {
    const el = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
    if (el) return el;
    const cut = Math.max(name.lastIndexOf('.'), name.lastIndexOf('['));
    if (cut <= 0) break;
    name = name.slice(0, cut);
  }
  return null;
}

export function clearFieldErrors(form) {
  form.querySelectorAll('.field-error').forEach((e) => e.remove());
  form.querySelectorAll('[aria-invalid]').forEach((e) => e.removeAttribute('aria-invalid'));
  form.querySelectorAll('.has-error').forEach((e) => e.classList.remove('has-error'));
}

/**
 * Shows each `errors[]` entry of a problem beside its field; returns the entries no field
 * on the form claims, for a summary.
 */
export function showFieldErrors(form, errors) {
  clearFieldErrors(form);
  const orphans = [];
  let first = null;
  errors.forEach((e, i) => {
    const target = fieldTarget(form, e.field);
    if (!target) {
      orphans.push(e);
      return;
    }
    const id = `err-${i}`;
    const wrap = target.closest('.field') || target.parentElement;
    wrap.classList.add('has-error');
    const control = target.matches('input, select, textarea')
      ? target
      : target.querySelector('input, select, textarea, button');
    const message = h('p', { class: 'field-error', id, 'data-error-for': e.field }, errorText(e));
    if (control) {
      control.setAttribute('aria-invalid', 'true');
      control.setAttribute('aria-describedby', id);
      first = first || control;
      // Once the field is edited, its old message no longer applies.
      control.addEventListener(
        'input',
        () => {
          message.remove();
          control.removeAttribute('aria-invalid');
          wrap.classList.remove('has-error');
        },
        { once: true },
      );
    }
    wrap.append(message);
  });
  if (first) first.focus();
  return orphans;
}

/** A labelled form field; `control` gets `id` and `data-field` set. */
export function field(label, control, { name, hint, required } = {}) {
  const id = control.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  control.id = id;
  if (name) control.dataset.field = name;
  if (required) control.required = true;
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label, required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
    control,
    hint ? h('p', { class: 'hint' }, hint) : null,
  );
}

/** A confirmation in a modal dialog; resolves true when confirmed. */
export function confirmDialog(message, { confirm = 'Ja', cancel = 'Annuleren', danger = false } = {}) {
  return new Promise((resolve) => {
    const dialog = h('dialog', { class: 'dialog', 'aria-label': 'Bevestigen' });
    const done = (ok) => {
      dialog.close();
      dialog.remove();
      resolve(ok);
    };
    fill(
      dialog,
      h('p', {}, message),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', class: danger ? 'danger' : 'primary', onclick: () => done(true) }, confirm),
        h('button', { type: 'button', onclick: () => done(false) }, cancel),
      ),
    );
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      done(false);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/**
 * Brings an opened detail (a sign-up, a file) into view with its heading focused, so on a
 * phone it does not open out of sight below the list.
 */
export function revealDetail(detail) {
  if (detail.hidden) return;
  const top = detail.getBoundingClientRect().top;
  if (top < 0 || top > window.innerHeight * 0.6) detail.scrollIntoView({ block: 'start' });
  const heading = detail.querySelector('h2');
  if (heading) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
}

export function setTitle(text) {
  document.title = `${text} · Beheer · Onderwijs Alliantie`;
}

/** Says something to screen-reader users without moving focus (one shared live region). */
export function announce(message) {
  let region = document.getElementById('announce');
  if (!region) {
    region = h('div', { id: 'announce', class: 'sr-only', role: 'status', 'aria-live': 'polite' });
    document.body.append(region);
  }
  region.textContent = '';
  // A fresh text node after a tick, so the same message twice is read twice.
  setTimeout(() => {
    region.textContent = message;
  }, 50);
}

/** A slug-like key from free text: lowercase words joined by hyphens, accents dropped. */
export function slugify(text) {
  return String(text || '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * Moves `li` one place up (dir -1) or down (dir 1) within its list, keeping keyboard focus
 * on the button that did it; returns whether it moved.
 */
export function moveListItem(li, dir) {
  const sib = dir < 0 ? li.previousElementSibling : li.nextElementSibling;
  if (!sib) return false;
  const focused = li.contains(document.activeElement) ? document.activeElement : null;
  if (dir < 0) li.parentElement.insertBefore(li, sib);
  else li.parentElement.insertBefore(sib, li);
  if (focused && document.activeElement !== focused) focused.focus();
  return true;
}

/**
 * The "Omhoog" and "Omlaag" buttons of one entry `li` of an ordered list; `onMoved(dir)`
 * runs after a move. `describedBy` names the element that says what the entry is.
 */
export function moveButtons(li, { describedBy, onMoved = () => {}, disabled = false, upLabel = 'Omhoog', downLabel = 'Omlaag' } = {}) {
  const make = (dir, label, symbol, cls) =>
    h(
      'button',
      {
        type: 'button',
        class: `move ${cls}`,
        'aria-label': label,
        title: label,
        'aria-describedby': describedBy,
        disabled,
        onclick: () => {
          if (moveListItem(li, dir)) onMoved(dir);
        },
      },
      symbol,
    );
  const up = make(-1, upLabel, '↑', 'move-up');
  const down = make(1, downLabel, '↓', 'move-down');
  li.moveButtons = { up, down };
  return [up, down];
}

/**
 * Enables each entry's up and down buttons where a move is possible; a button that loses
 * its use while it has focus hands focus to its partner.
 */
export function syncMoveButtons(list) {
  const rows = [...list.children];
  rows.forEach((li, i) => {
    if (!li.moveButtons) return;
    const { up, down } = li.moveButtons;
    const hadFocus = document.activeElement;
    up.disabled = i === 0;
    down.disabled = i === rows.length - 1;
    if (hadFocus === up && up.disabled && !down.disabled) down.focus();
    if (hadFocus === down && down.disabled && !up.disabled) up.focus();
  });
}

export function debounce(fn, ms) {
  let t = null;
  return (...args) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...args), ms);
  };
}
