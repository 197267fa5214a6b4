// Refused events (admin): what the JMS sent that was not accepted, newest first, with the reasons.
import { api, qs } from './api.js';
import { $, h, replace } from './dom.js';
import { utcClock } from './format.js';

export function createRefused() {
  const body = $('#refused-table tbody');
  const more = $('#refused-more');
  const error = $('#refused-error');
  let cursor = null;

  /** The first page, or (`older`) the next one after those shown. */
  async function load(older) {
    error.textContent = '';
    more.disabled = true; // a second click would fetch the same page again
    try {
      const page = await api.get(`/api/events/rejected?${qs({ limit: 50, cursor: older ? cursor : null })}`);
      const rows = page.items.map(row);
      if (older) body.append(...rows);
      else replace(body, rows.length > 0 ? rows : h('tr', {}, h('td', { colspan: 4 }, 'Nothing has been refused.')));
      cursor = page.nextCursor;
      more.hidden = cursor === null;
    } catch (err) {
      error.textContent = err.message;
    } finally {
      more.disabled = false;
    }
  }

  /** One refusal: an event (or a whole body that could not be read as events) and its reasons, as text. */
  function row(r) {
    const isObject = r.body !== null && typeof r.body === 'object' && !Array.isArray(r.body);
    const sent = isObject ? r.body : {};
    const text = (v) => (typeof v === 'string' || typeof v === 'number' ? String(v) : null);
    const what = r.batchIndex === null ? 'the whole request' : !isObject ? 'not an event object' : (text(sent.type) ?? '(no type)');
    return h(
      'tr',
      {},
      h('td', {}, utcClock(r.receivedAt)),
      h('td', {}, what, r.eventId !== null ? h('span', { class: 'sub' }, r.eventId) : null, text(sent.occurredAt) ? h('span', { class: 'sub' }, `dated ${sent.occurredAt}`) : null),
      h('td', {}, text(sent.facilityId) ?? '—', text(sent.bookingId) ? h('span', { class: 'sub' }, `booking ${sent.bookingId}`) : null),
      h('td', {}, h('ul', { class: 'reasons' }, r.errors.map((e) => h('li', {}, `${e.field}: ${e.message}`)))),
    );
  }

  more.addEventListener('click', () => load(true));
  return { show: () => load(false), hide() {} };
}
