// Open alerts, escalations first, each with acknowledge-with-a-note. Alerts are per person's custody
// (custodyId, bookingId); holdId and detainerId are null when no detainer authorised the custody.
import { api, qs } from './api.js';
import { $, fillFacilities, h, replace } from './dom.js';
import { POLL_MS } from './board.js';
import { bookingHref, personHref, personLine, wallClock } from './format.js';

const LEVELS = { escalated: 'Escalated: overdue and not acknowledged', overdue: 'Overdue', approaching: 'Approaching' };
const ORDER = { escalated: 0, overdue: 1, approaching: 2 };

export function createAlerts({ facilities, stale, onCount, canOpenHistory }) {
  const select = $('#alerts-facility');
  const list = $('#alerts-list');
  const summary = $('#alerts-summary');
  let pollTimer = null;
  let open = []; // alert ids whose acknowledge form is open: a poll must not close it under the user's hands

  select.addEventListener('change', () => refresh());

  let generation = 0; // answers to an older refresh (another facility chosen since) are dropped

  async function refresh() {
    const mine = ++generation;
    try {
      fillFacilities(select, await facilities.load());
      const alerts = await api.all(`/api/alerts?${qs({ state: 'open', facilityId: select.value })}`, 1000);
      if (mine !== generation) return;
      alerts.sort((a, b) => ORDER[a.level] - ORDER[b.level] || (a.deadlineAt ?? '').localeCompare(b.deadlineAt ?? ''));
      stale.ok('alerts');
      onCount(alerts.length);
      render(alerts);
    } catch (err) {
      if (mine === generation) stale.failed('alerts', err);
    }
  }

  function render(alerts) {
    const text = alerts.length === 0 ? 'No open alerts.' : `${alerts.length} open alert${alerts.length === 1 ? '' : 's'}, ${alerts.filter((a) => a.level === 'escalated').length} escalated.`;
    if (summary.textContent !== text) summary.textContent = text;
    if (open.length) return; // keep the form the user is typing in; the next poll after it closes redraws
    replace(list, alerts.map(card));
  }

  function card(a) {
    const f = facilities.byId(a.facilityId);
    const title = a.level === 'approaching' ? `${LEVELS.approaching}: ${a.thresholdHours} h before the deadline` : LEVELS[a.level];
    const li = h(
      'li',
      { class: `card level-${a.level}`, 'data-alert': a.id, 'data-custody': a.custodyId },
      h('h2', {}, a.level === 'escalated' ? '⚠ ' : a.level === 'overdue' ? '■ ' : '▲ ', title),
      a.personName ? h('p', { class: 'name' }, a.personName) : null,
      h('p', {}, 'Booking ', canOpenHistory() ? h('a', { href: bookingHref(a.facilityId, a.bookingId) }, h('strong', {}, a.bookingId)) : h('strong', {}, a.bookingId), ` at ${f ? f.name : a.facilityId}`, a.detainerId ? `, detainer ${a.detainerId}` : ': no detainer authorised this custody'),
      personLine({ personId: a.personId, aNumber: a.aNumber })
        ? h('p', { class: 'sub' }, canOpenHistory() && a.personId ? h('a', { href: personHref(a.facilityId, a.personId) }, personLine({ personId: a.personId, aNumber: a.aNumber })) : personLine({ personId: a.personId, aNumber: a.aNumber }))
        : null,
      h('p', {}, 'Deadline ', wallClock(a.deadlineLocal)),
      h('p', { class: 'sub' }, `Raised ${wallClock(a.raisedLocal)}`, a.late ? ' (late: the sweep was behind)' : ''),
      h('button', { type: 'button', onclick: () => ackForm(li, a) }, 'Acknowledge'),
    );
    return li;
  }

  function ackForm(li, a) {
    open.push(a.id);
    const id = `note-${a.id}`;
    const err = h('p', { class: 'error', 'aria-live': 'assertive' });
    const close = () => {
      open = open.filter((x) => x !== a.id);
      form.remove();
      li.querySelector('button').hidden = false;
    };
    const form = h(
      'form',
      {
        class: 'stack',
        onsubmit: async (e) => {
          e.preventDefault();
          try {
            const note = form.querySelector('textarea').value.trim();
            await api.post(`/api/alerts/${a.id}/acknowledge`, note ? { note } : {});
            open = open.filter((x) => x !== a.id);
            summary.textContent = `Alert for booking ${a.bookingId} acknowledged.`;
            refresh();
          } catch (e2) {
            err.textContent = e2.message;
          }
        },
      },
      h('label', { for: id }, 'Note (optional): what was done'),
      h('textarea', { id, rows: 2, maxlength: 2000 }),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Confirm acknowledge'), h('button', { type: 'button', class: 'quiet', onclick: close }, 'Cancel')),
      err,
    );
    li.querySelector('button').hidden = true;
    li.append(form);
    form.querySelector('textarea').focus();
  }

  return {
    refresh,
    show() {
      stale.watch('alerts', true);
      refresh();
      pollTimer = setInterval(refresh, POLL_MS);
    },
    hide() {
      stale.watch('alerts', false);
      clearInterval(pollTimer);
      open = [];
    },
  };
}
