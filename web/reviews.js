// Reviews (supervisors): the detainers the facility's rules leave to a person (no criminal history
// on file, or ICE's own discretion cases), each with why; record a decision, honour or decline,
// with its basis. A decision is an event in the tamper-evident log (POST /api/custody/:id/decisions).
import { api, qs } from './api.js';
import { $, fillFacilities, h, replace } from './dom.js';
import { bookingHref, localClock, words } from './format.js';

/** What the rules could not decide, in words: "not known: conviction violent felony in 5 years; needs review: victim". */
export function reviewWhy(item) {
  const parts = [];
  if (item.unknown.length) parts.push(`not known (no criminal history on file): ${item.unknown.join(', ')}`);
  if (item.review.length) parts.push(`needs review: ${item.review.join(', ')}`);
  if (item.met.length) parts.push(`met: ${item.met.join(', ')}`);
  if (item.notMet.length) parts.push(`not met: ${item.notMet.join(', ')}`);
  return parts.join('; ');
}

/** The custody's status while it waits, in words: until decided, custody past eligibility has no authority. */
const WAITING = {
  overdue: 'held now without authority until decided',
  running: 'authorised now by another detainer',
  pending: 'not release-eligible yet',
  closed: 'custody ended',
};

export function createReviews({ facilities, canOpenHistory }) {
  const facility = /** @type {HTMLSelectElement} */ ($('#reviews-facility'));
  const body = $('#reviews-table tbody');
  const error = $('#reviews-error');
  const status = $('#reviews-status');
  const summary = $('#reviews-summary');

  async function load() {
    error.textContent = '';
    fillFacilities(facility, await facilities.load());
    const page = await api.get(`/api/reviews?${qs({ facilityId: facility.value || undefined, limit: 200 })}`);
    const n = page.items.length;
    summary.textContent = n === 0 ? 'No detainer is waiting for a decision.' : `${n} detainer${n === 1 ? '' : 's'} waiting for a decision.`;
    replace(body, page.items.map(row));
  }

  function row(item) {
    const place = facilities.byId(item.facilityId);
    const zone = place?.timeZone ?? 'UTC';
    const label = `${item.detainerId}, booking ${item.bookingId}`;
    const decision = /** @type {HTMLSelectElement} */ (h('select', { 'aria-label': `Decision (${label})` }, h('option', { value: 'honour' }, 'honour'), h('option', { value: 'decline' }, 'decline')));
    const basis = /** @type {HTMLInputElement} */ (h('input', { 'aria-label': `Basis (${label})`, placeholder: 'Basis: what was checked, and why', size: 32, maxlength: 2000 }));
    const decide = h(
      'form',
      {
        class: 'inline',
        onsubmit: async (e) => {
          e.preventDefault();
          error.textContent = '';
          try {
            const r = await api.post(`/api/custody/${item.custodyId}/decisions`, { detainerId: item.detainerId, decision: decision.value, basis: basis.value.trim() });
            status.textContent = `Recorded: ${r.decision.decision} detainer ${item.detainerId} (booking ${item.bookingId}) by ${r.decision.decidedBy.name}; custody is now ${r.custody.status}.`;
            await load();
          } catch (err) {
            error.textContent = err.message;
          }
        },
      },
      decision,
      basis,
      h('button', { type: 'submit' }, 'Record decision'),
    );
    const booking = canOpenHistory() ? h('a', { href: bookingHref(item.facilityId, item.bookingId) }, item.bookingId) : item.bookingId;
    return h(
      'tr',
      { 'data-custody': item.custodyId, 'data-detainer': item.detainerId },
      h('td', {}, booking, h('span', { class: 'sub' }, place ? place.name : item.facilityId)),
      h(
        'td',
        {},
        `${item.detainerId}: ${item.form}${item.warrant && item.warrant !== 'none' ? `, ${item.warrant} warrant` : ''}`,
        h('span', { class: 'sub' }, `received ${localClock(item.lodgedAt, zone)}`),
      ),
      h('td', { class: item.status === 'overdue' ? 'overdue' : '' }, WAITING[item.status] ?? words(item.status)),
      h('td', {}, reviewWhy(item)),
      h('td', {}, decide),
    );
  }

  facility.addEventListener('change', () => load().catch((err) => (error.textContent = err.message)));
  return {
    show: () => {
      status.textContent = '';
      load().catch((err) => (error.textContent = err.message));
    },
    hide() {},
  };
}
