// Complaints (a form and the list) and notices due to the person (tasks; record service), for staff.
import { api, qs } from './api.js';
import { $, fillFacilities, h, replace } from './dom.js';
import { utcClock } from './format.js';

const CATEGORIES = ['held_too_long', 'held_without_authority', 'claims_us_citizenship', 'access_to_counsel', 'treatment', 'other'];
const label = (s) => s.replaceAll('_', ' ');

export function createComplaints({ facilities }) {
  const form = /** @type {HTMLFormElement} */ ($('#complaint-form'));
  const facility = /** @type {HTMLSelectElement} */ ($('#complaint-facility'));
  const error = $('#complaint-error');
  const status = $('#complaint-status');
  const body = $('#complaints-table tbody');
  replace(
    $('#complaint-category'),
    CATEGORIES.map((c) => h('option', { value: c }, label(c))),
  );

  async function load() {
    fillFacilities(facility, await facilities.load(), { all: false });
    const page = await api.get(`/api/complaints?${qs({ limit: 100 })}`);
    replace(body, page.items.length ? page.items.map(row) : h('tr', {}, h('td', { colspan: 5 }, 'No complaints.')));
  }

  function row(c) {
    const due = c.state === 'received' ? `acknowledge by ${utcClock(c.acknowledgeDueAt)}` : c.state === 'closed' ? c.finding : `close by ${utcClock(c.closeDueAt)}`;
    return h(
      'tr',
      { 'data-id': c.id },
      h('td', {}, utcClock(c.receivedAt)),
      h('td', {}, c.bookingId ?? c.personId ?? '—'),
      h('td', {}, label(c.category)),
      h('td', {}, c.state),
      h('td', { class: c.acknowledgementOverdue || c.closureOverdue ? 'overdue' : '' }, due),
    );
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    status.textContent = '';
    const value = (id) => /** @type {HTMLInputElement} */ ($(id)).value.trim();
    const sent = { facilityId: facility.value, category: value('#complaint-category'), receivedVia: value('#complaint-via'), narrative: value('#complaint-narrative') };
    if (value('#complaint-booking')) sent.bookingId = value('#complaint-booking');
    try {
      const c = await api.post('/api/complaints', sent);
      status.textContent = `Complaint filed; acknowledge by ${utcClock(c.acknowledgeDueAt)}.`;
      form.reset();
      await load();
    } catch (err) {
      error.textContent = err.message;
    }
  });
  return { show: () => load().catch((err) => (error.textContent = err.message)), hide() {} };
}

export function createNotices() {
  const body = $('#notices-table tbody');
  const error = $('#notices-error');

  async function load() {
    error.textContent = '';
    const page = await api.get('/api/notices?status=due');
    replace(body, page.items.length ? page.items.map(row) : h('tr', {}, h('td', { colspan: 5 }, 'No notices are due.')));
  }

  function row(n) {
    const by = /** @type {HTMLInputElement} */ (h('input', { 'aria-label': `Served by (${label(n.kind)}, ${n.bookingId})`, placeholder: 'Served by', required: true }));
    const lang = /** @type {HTMLInputElement} */ (h('input', { 'aria-label': `Language (${label(n.kind)}, ${n.bookingId})`, placeholder: 'Language', required: true, size: 8 }));
    const how = /** @type {HTMLSelectElement} */ (
      h(
        'select',
        { 'aria-label': `How (${label(n.kind)}, ${n.bookingId})` },
        ['in_person', 'written_copy', 'mail', 'email', 'interpreter', 'other'].map((m) => h('option', { value: m }, label(m))),
      )
    );
    const record = h(
      'form',
      {
        class: 'inline',
        onsubmit: async (e) => {
          e.preventDefault();
          try {
            await api.post(`/api/notices/${n.id}/served`, { servedBy: by.value.trim(), language: lang.value.trim(), method: how.value });
            await load();
          } catch (err) {
            error.textContent = err.message;
          }
        },
      },
      by,
      lang,
      how,
      h('button', { type: 'submit' }, 'Record service'),
    );
    return h(
      'tr',
      { 'data-id': n.id },
      h('td', {}, n.bookingId),
      h('td', {}, label(n.kind), h('span', { class: 'sub' }, `to ${n.recipients.join(' and ')}`)),
      h('td', { class: n.late ? 'overdue' : '' }, `${utcClock(n.dueAt)}${n.late ? ' (late)' : ''}`),
      h('td', {}, n.citation ?? ''),
      h('td', {}, record),
    );
  }
  return { show: () => load().catch((err) => (error.textContent = err.message)), hide() {} };
}
