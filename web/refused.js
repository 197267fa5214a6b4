// Refused events (supervisor, admin): what the JMS sent that was not accepted, newest first, with the
// reasons; each open one can be corrected and sent again (through POST /api/events's own checks) or
// dismissed with a reason. The refusal itself is kept as it was sent.
import { api, qs } from './api.js';
import { $, h, replace } from './dom.js';
import { utcClock } from './format.js';

/** What the page puts in the editor for a refusal: the event as sent, or the text of a request that could not be read. */
export function editableText(body) {
  if (body !== null && typeof body === 'object' && typeof body.unparsedText === 'string') return body.unparsedText;
  return JSON.stringify(body, null, 2);
}

export function createRefused() {
  const body = $('#refused-table tbody');
  const more = $('#refused-more');
  const error = $('#refused-error');
  const status = $('#refused-status');
  const state = /** @type {HTMLSelectElement} */ ($('#refused-state'));
  let cursor = null;

  /** The first page, or (`older`) the next one after those shown. */
  async function load(older) {
    error.textContent = '';
    more.disabled = true; // a second click would fetch the same page again
    try {
      const page = await api.get(`/api/events/rejected?${qs({ limit: 50, cursor: older ? cursor : null, state: state.value })}`);
      const rows = page.items.flatMap(rowsOf);
      if (older) body.append(...rows);
      else replace(body, rows.length > 0 ? rows : h('tr', {}, h('td', { colspan: 5 }, state.value === 'open' ? 'Nothing refused is waiting.' : 'Nothing has been refused.')));
      cursor = page.nextCursor;
      more.hidden = cursor === null;
    } catch (err) {
      error.textContent = err.message;
    } finally {
      more.disabled = false;
    }
  }

  /** One refusal: an event (or a whole body that could not be read as events), its reasons, and how it was resolved. */
  function rowsOf(r) {
    const isObject = r.body !== null && typeof r.body === 'object' && !Array.isArray(r.body);
    const sent = isObject ? r.body : {};
    const text = (v) => (typeof v === 'string' || typeof v === 'number' ? String(v) : null);
    const what = r.batchIndex === null ? 'the whole request' : !isObject ? 'not an event object' : (text(sent.type) ?? '(no type)');
    const work = h('tr', { class: 'resolve', hidden: true, 'data-refusal': r.id }, h('td', { colspan: 5 }));
    const main = h(
      'tr',
      { 'data-refusal': r.id },
      h('td', {}, utcClock(r.receivedAt)),
      h('td', {}, what, r.eventId !== null ? h('span', { class: 'sub' }, r.eventId) : null, text(sent.occurredAt) ? h('span', { class: 'sub' }, `dated ${sent.occurredAt}`) : null),
      h('td', {}, text(sent.facilityId) ?? '—', text(sent.bookingId) ? h('span', { class: 'sub' }, `booking ${sent.bookingId}`) : null),
      h(
        'td',
        {},
        h(
          'ul',
          { class: 'reasons' },
          r.errors.map((e) => h('li', {}, `${e.field}: ${e.message}`)),
        ),
      ),
      h(
        'td',
        { class: 'resolution' },
        r.resolution
          ? resolutionText(r.resolution)
          : [
              h('button', { type: 'button', class: 'quiet', onclick: () => openResend(r, work) }, 'Fix and re-send'),
              ' ',
              h('button', { type: 'button', class: 'quiet', onclick: () => openDismiss(r, work) }, 'Dismiss'),
            ],
      ),
    );
    return [main, work];
  }

  function resolutionText(x) {
    const who = `by ${x.by} at ${utcClock(x.at)}`;
    return x.action === 'resent' ? `Re-sent as event ${x.resentEventId} ${who}` : `Dismissed ${who}: ${x.reason}`;
  }

  function openResend(r, work) {
    const id = `refused-edit-${r.id}`;
    const err = h('p', { class: 'error', role: 'alert', id: `${id}-error` });
    const area = /** @type {HTMLTextAreaElement} */ (h('textarea', { id, rows: 12, cols: 60, spellcheck: 'false', 'aria-describedby': `${id}-error` }));
    area.value = editableText(r.body);
    const form = h(
      'form',
      {
        class: 'stack',
        onsubmit: async (e) => {
          e.preventDefault();
          err.textContent = '';
          let event;
          try {
            event = JSON.parse(area.value);
          } catch (x) {
            err.textContent = `event: not valid JSON (${x.message})`;
            return;
          }
          if (event === null || typeof event !== 'object' || Array.isArray(event)) {
            err.textContent = 'event: must be one event object ({ ... }), not a list or a value';
            return;
          }
          try {
            const out = await api.post(`/api/events/rejected/${r.id}/resend`, { event });
            const dup = out.result.duplicates > 0 ? ' (it was already stored)' : '';
            done(`Refused event ${r.id} re-sent: stored as event ${out.refusal.resolution.resentEventId}${dup}.`);
          } catch (x) {
            err.textContent = `Not accepted: ${x.message}. This attempt is kept in the list as a refusal of its own.`;
          }
        },
      },
      h('label', { for: id }, `Corrected event (JSON), sent through the same checks as the jail's`),
      area,
      err,
      h('div', {}, h('button', { type: 'submit' }, 'Re-send'), ' ', h('button', { type: 'button', class: 'quiet', onclick: () => close(work) }, 'Cancel')),
    );
    show(work, form, area);
  }

  function openDismiss(r, work) {
    const id = `refused-reason-${r.id}`;
    const err = h('p', { class: 'error', role: 'alert', id: `${id}-error` });
    const input = /** @type {HTMLInputElement} */ (h('input', { id, maxlength: 2000, 'aria-describedby': `${id}-error` }));
    const form = h(
      'form',
      {
        class: 'row-form',
        onsubmit: async (e) => {
          e.preventDefault();
          err.textContent = '';
          if (input.value.trim() === '') {
            err.textContent = 'Reason: say why this refused event needs no re-sending.';
            input.focus();
            return;
          }
          try {
            await api.post(`/api/events/rejected/${r.id}/dismiss`, { reason: input.value });
            done(`Refused event ${r.id} dismissed.`);
          } catch (x) {
            err.textContent = x.message;
          }
        },
      },
      h('label', { for: id }, 'Reason for dismissing'),
      input,
      h('button', { type: 'submit' }, 'Dismiss'),
      h('button', { type: 'button', class: 'quiet', onclick: () => close(work) }, 'Cancel'),
      err,
    );
    show(work, form, input);
  }

  function show(work, form, focus) {
    replace(work.firstChild, form);
    work.hidden = false;
    focus.focus();
  }
  function close(work) {
    work.hidden = true;
    replace(work.firstChild);
  }
  /** Said once, and kept until the next action: a reload of the list does not overwrite it. */
  function done(message) {
    status.textContent = message;
    load(false);
  }

  more.addEventListener('click', () => load(true));
  state.addEventListener('change', () => load(false));
  return {
    show: () => {
      status.textContent = '';
      return load(false);
    },
    hide() {},
  };
}
