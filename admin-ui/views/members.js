// Leden: the sign-ups from the public form. Filters, status and a note per sign-up, the CSV
// export, and erasing someone's data on request.

import * as api from '../api.js';
import {
  h, fill, field, setTitle, flash, errorBox, timeEl, debounce, MEMBER_STATUSES, MEMBER_ROLES, SECTORS, confirmDialog, revealDetail,
} from '../ui.js';
import { navigate } from '../app.js';

const options = (map, all) => [h('option', { value: '' }, all), ...Object.entries(map).map(([v, l]) => h('option', { value: v }, l))];

export default async function members(root, { parts, params }) {
  setTitle('Leden');
  const selected = parts[0] || null;
  const status = h('select', { id: 'm-status' }, options(MEMBER_STATUSES, 'Elke status'));
  const role = h('select', { id: 'm-role' }, options(MEMBER_ROLES, 'Elke rol'));
  const sector = h('select', { id: 'm-sector' }, options(SECTORS, 'Elke sector'));
  const q = h('input', { type: 'search', id: 'm-q', placeholder: 'Naam, e-mail of organisatie' });
  status.value = params.get('status') || '';
  role.value = params.get('role') || '';
  sector.value = params.get('sector') || '';
  q.value = params.get('q') || '';
  const results = h('div', { 'aria-live': 'polite' });
  const detail = h('div', { class: 'detail', id: 'member-detail', hidden: !selected });
  const exportLink = h('a', { class: 'button', id: 'export-csv', download: true }, 'Exporteren (CSV)');

  const filters = () => ({ status: status.value, role: role.value, sector: sector.value, q: q.value.trim() });
  const load = async () => {
    const f = filters();
    exportLink.href = `${api.BASE}/admin/memberships/export.csv${api.query(f)}`;
    history.replaceState(null, '', `/admin/leden${selected ? `/${selected}` : ''}${api.query(f)}`);
    try {
      const { data } = await api.get(`/admin/memberships${api.query({ ...f, limit: 100 })}`);
      const items = api.itemsOf(data);
      if (!items.length) {
        fill(results, h('p', { class: 'empty' }, 'Geen aanmeldingen gevonden.'));
        return;
      }
      fill(
        results,
        data.total !== undefined ? h('p', { class: 'muted count' }, `${data.total} aanmelding${data.total === 1 ? '' : 'en'}`) : null,
        h(
          'table',
          { class: 'list members' },
          h('thead', {}, h('tr', {}, ['Naam', 'Organisatie', 'Rol', 'Sector', 'Status', 'Aangemeld'].map((t) => h('th', { scope: 'col' }, t)))),
          h(
            'tbody',
            {},
            items.map((m) =>
              h(
                'tr',
                { class: m.id === selected ? 'selected' : null, dataset: { id: m.id } },
                h('td', { 'data-label': 'Naam' }, h('a', { href: `/admin/leden/${m.id}${api.query(filters())}` }, m.name), h('div', { class: 'muted small' }, m.email)),
                h('td', { 'data-label': 'Organisatie' }, m.organisation || ''),
                h('td', { 'data-label': 'Rol' }, MEMBER_ROLES[m.role] || m.role),
                h('td', { 'data-label': 'Sector' }, SECTORS[m.sector] || m.sector),
                h('td', { 'data-label': 'Status' }, h('span', { class: `badge badge-${m.status}` }, MEMBER_STATUSES[m.status] || m.status)),
                h('td', { 'data-label': 'Aangemeld' }, timeEl(m.created_at)),
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
    let m;
    let etag;
    try {
      ({ data: m, etag } = await api.get(`/admin/memberships/${encodeURIComponent(id)}`));
    } catch (err) {
      fill(detail, errorBox(err));
      return;
    }
    // Every write sends the ETag of the record as shown; a 412 means someone else changed it
    // meanwhile: nothing is overwritten, and what was typed stays in the form.
    etag = etag || `"${m.id}:${m.version}"`;
    const st = h('select', {}, Object.entries(MEMBER_STATUSES).map(([v, l]) => h('option', { value: v }, l)));
    st.value = m.status;
    const note = h('textarea', { rows: 4 });
    note.value = m.note || '';
    const message = h('div', { 'aria-live': 'assertive' });
    const conflictBox = h('div', { class: 'conflict-box', 'aria-live': 'assertive' });
    const form = h(
      'form',
      { class: 'member-form', novalidate: true },
      field('Status', st, { name: 'status' }),
      field('Notitie (alleen intern)', note, { name: 'note' }),
      conflictBox,
      message,
      h('button', { type: 'submit', class: 'primary' }, 'Opslaan'),
    );
    const reload = () => showDetail(m.id);

    /** Shows who changed what meanwhile, with a way to load it or to save over it. */
    const showConflict = async (action) => {
      let latest = null;
      try {
        latest = await api.get(`/admin/memberships/${encodeURIComponent(m.id)}`);
      } catch {
        latest = null;
      }
      if (!latest) {
        fill(conflictBox, h('div', { class: 'warn-box', role: 'alert' }, 'Deze aanmelding bestaat niet meer; misschien zijn de gegevens gewist.'));
        return;
      }
      const l = latest.data;
      const now = [`status ${MEMBER_STATUSES[l.status] || l.status}`, l.note ? `notitie “${l.note}”` : 'geen notitie'].join(', ');
      fill(
        conflictBox,
        h(
          'div',
          { class: 'warn-box', role: 'alert' },
          h('h2', {}, 'Iemand anders heeft deze aanmelding intussen gewijzigd'),
          h('p', {}, `Nu: ${now}. `, action === 'save' ? 'Wat jij hebt ingevuld staat nog in het formulier en is niet opgeslagen.' : 'Er is niets gewist.'),
          h(
            'div',
            { class: 'actions' },
            h('button', { type: 'button', class: 'load-latest', onclick: reload }, 'Nieuwste laden'),
            action === 'save'
              ? h('button', {
                type: 'button',
                class: 'danger overwrite',
                onclick: async () => {
                  if (await confirmDialog('Jouw status en notitie opslaan over de wijziging van de ander heen?', { confirm: 'Toch opslaan', danger: true })) {
                    etag = latest.etag || `"${l.id}:${l.version}"`;
                    conflictBox.replaceChildren();
                    save();
                  }
                },
              }, 'Mijn wijziging toch opslaan')
              : null,
          ),
        ),
      );
      conflictBox.querySelector('button').focus();
    };

    const save = async () => {
      message.replaceChildren();
      try {
        const res = await api.patch(
          `/admin/memberships/${encodeURIComponent(m.id)}`,
          { status: st.value, note: note.value.trim() ? note.value : null },
          { etag },
        );
        m = res.data;
        etag = res.etag || `"${m.id}:${m.version}"`;
        conflictBox.replaceChildren();
        flash(`Aanmelding van ${m.name} is bijgewerkt.`);
        load();
      } catch (err) {
        if (err.status === 412) await showConflict('save');
        else fill(message, errorBox(err));
      }
    };
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      save();
    });
    const erase = async () => {
      if (!(await confirmDialog(`De gegevens van ${m.name} voorgoed wissen? Dit kan niet ongedaan worden gemaakt.`, { confirm: 'Voorgoed wissen', danger: true }))) return;
      try {
        await api.del(`/admin/memberships/${encodeURIComponent(m.id)}`, { etag });
        flash('De gegevens zijn gewist.');
        navigate(`/admin/leden${api.query(filters())}`, { replace: true });
      } catch (err) {
        if (err.status === 412) await showConflict('erase');
        else fill(message, errorBox(err));
      }
    };
    fill(
      detail,
      h('h2', {}, m.name),
      h(
        'dl',
        {},
        h('dt', {}, 'E-mail'), h('dd', {}, h('a', { href: `mailto:${m.email}` }, m.email)),
        h('dt', {}, 'Organisatie'), h('dd', {}, m.organisation || '—'),
        h('dt', {}, 'Sector'), h('dd', {}, SECTORS[m.sector] || m.sector),
        h('dt', {}, 'Rol'), h('dd', {}, MEMBER_ROLES[m.role] || m.role),
        h('dt', {}, 'Bijdrage'), h('dd', {}, m.contribution),
        h('dt', {}, 'Toestemming'), h('dd', {}, m.consent ? `ja${m.consent_at ? ', ' : ''}` : 'nee', m.consent_at ? timeEl(m.consent_at) : null),
        h('dt', {}, 'Aangemeld'), h('dd', {}, timeEl(m.created_at)),
        m.duplicates ? [h('dt', {}, 'Dubbel'), h('dd', {}, `${m.duplicates} andere aanmelding(en) met dit e-mailadres`)] : null,
      ),
      form,
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'danger erase', onclick: erase }, 'Gegevens wissen')),
    );
  };

  [status, role, sector].forEach((el) => el.addEventListener('change', load));
  q.addEventListener('input', debounce(load, 300));
  fill(
    root,
    h('div', { class: 'head' }, h('h1', {}, 'Leden'), exportLink),
    h(
      'form',
      { class: 'filters', role: 'search', onsubmit: (e) => { e.preventDefault(); load(); } },
      h('label', { for: 'm-status' }, 'Status'), status,
      h('label', { for: 'm-role' }, 'Rol'), role,
      h('label', { for: 'm-sector' }, 'Sector'), sector,
      h('label', { for: 'm-q' }, 'Zoeken'), q,
      h('button', { type: 'submit' }, 'Filteren'),
    ),
    h('div', { class: 'split' }, results, detail),
  );
  await load();
  if (selected) {
    await showDetail(selected);
    revealDetail(detail);
  }
}
