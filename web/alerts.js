// What is open now: one live alert per person's custody (a warning superseded by the next, the
// overdue alert rising to escalated), escalations first, each with acknowledge-with-a-note; an
// acknowledged one stays shown, with who and when, until the custody ends. Alerts are per person's
// custody (custodyId, bookingId); holdId and detainerId are null when no detainer authorised the custody.
import { api, qs } from './api.js';
import { $, fillFacilities, h, replace } from './dom.js';
import { POLL_MS } from './board.js';
import { bookingHref, personHref, personLine, wallClock, words } from './format.js';

const LEVELS = { escalated: 'Escalated: overdue and not acknowledged', overdue: 'Overdue', approaching: 'Approaching' };
/** What an oversight alert says is past due (GET /api/oversight-alerts). */
const OVERSIGHT = {
  complaint_acknowledgement_overdue: 'Complaint not acknowledged in time',
  complaint_closure_overdue: 'Complaint not closed in time',
  notice_late: 'Notice to the person not served in time',
};
const ORDER = { escalated: 0, overdue: 1, approaching: 2 };
const awaiting = (a) => a.state === 'open';

export function createAlerts({ facilities, stale, onCount, canOpenHistory }) {
  const select = $('#alerts-facility');
  const list = $('#alerts-list');
  const summary = $('#alerts-summary');
  const status = $('#alerts-status');
  const oversightList = $('#oversight-list');
  const oversightSummary = $('#oversight-summary');
  let pollTimer = null;
  let open = []; // alert ids whose acknowledge form is open: a poll must not close it under the user's hands

  select.addEventListener('change', () => refresh());

  let generation = 0; // answers to an older refresh (another facility chosen since) are dropped

  async function refresh() {
    const mine = ++generation;
    try {
      fillFacilities(select, await facilities.load());
      const [alerts, oversight] = await Promise.all([
        api.all(`/api/alerts?${qs({ state: 'live', facilityId: select.value })}`, 1000),
        api.get(`/api/oversight-alerts?${qs({ state: 'open', facilityId: select.value, limit: 1000 })}`),
      ]);
      if (mine !== generation) return;
      // Waiting for someone first, then by urgency and deadline.
      alerts.sort((a, b) => Number(awaiting(b)) - Number(awaiting(a)) || ORDER[a.level] - ORDER[b.level] || (a.deadlineAt ?? '').localeCompare(b.deadlineAt ?? ''));
      stale.ok('alerts');
      onCount(alerts.filter(awaiting).length + oversight.items.length);
      render(alerts, oversight.items);
    } catch (err) {
      if (mine === generation) stale.failed('alerts', err);
    }
  }

  function render(alerts, oversight) {
    const waiting = alerts.filter(awaiting);
    const acked = alerts.length - waiting.length;
    const text =
      alerts.length === 0
        ? 'No open alerts.'
        : `${waiting.length} open alert${waiting.length === 1 ? '' : 's'}, ${waiting.filter((a) => a.level === 'escalated').length} escalated${acked ? `; ${acked} acknowledged, custody still going on` : ''}.`;
    if (summary.textContent !== text) summary.textContent = text;
    const late = oversight.length === 0 ? 'No complaint or notice is past due.' : `${oversight.length} past due, not acknowledged.`;
    if (oversightSummary.textContent !== late) oversightSummary.textContent = late;
    if (open.length) return; // keep the form the user is typing in; the next poll after it closes redraws
    replace(list, alerts.map(card));
    replace(oversightList, oversight.map(oversightCard));
  }

  /** A complaint or notice past due: what, about whom, due when, and acknowledge with a note. */
  function oversightCard(a) {
    const f = facilities.byId(a.facilityId);
    const li = h(
      'li',
      { class: 'card level-overdue', 'data-oversight': a.id },
      h('h2', {}, '■ ', OVERSIGHT[a.kind] ?? words(a.kind)),
      h(
        'p',
        {},
        a.kind === 'notice_late' ? `Notice: ${words(a.about)}` : `Complaint: ${words(a.about)}`,
        a.bookingId ? [', booking ', canOpenHistory() ? h('a', { href: bookingHref(a.facilityId, a.bookingId) }, h('strong', {}, a.bookingId)) : h('strong', {}, a.bookingId)] : '',
        ` at ${f ? f.name : a.facilityId}`,
      ),
      h('p', {}, 'Was due ', wallClock(a.dueLocal, a.timeZone)),
      h('p', { class: 'sub raised' }, `Raised ${wallClock(a.raisedLocal, a.timeZone)}`),
      h(
        'button',
        { type: 'button', onclick: () => ackForm(li, a, `/api/oversight-alerts/${a.id}/acknowledge`, `${OVERSIGHT[a.kind]}${a.bookingId ? ` (booking ${a.bookingId})` : ''}`) },
        'Acknowledge',
      ),
    );
    return li;
  }

  function card(a) {
    const f = facilities.byId(a.facilityId);
    const at = (iso) => wallClock(iso, f?.timeZone);
    const title = a.level === 'approaching' ? `${LEVELS.approaching}: ${a.thresholdHours} h before the deadline` : LEVELS[a.level];
    const li = h(
      'li',
      { class: `card level-${a.level}${awaiting(a) ? '' : ' acknowledged'}`, 'data-alert': a.id, 'data-custody': a.custodyId },
      h('h2', {}, a.level === 'escalated' ? '⚠ ' : a.level === 'overdue' ? '■ ' : '▲ ', title),
      a.personName ? h('p', { class: 'name' }, a.personName) : null,
      h(
        'p',
        {},
        'Booking ',
        canOpenHistory() ? h('a', { href: bookingHref(a.facilityId, a.bookingId) }, h('strong', {}, a.bookingId)) : h('strong', {}, a.bookingId),
        ` at ${f ? f.name : a.facilityId}`,
        a.detainerId ? `, detainer ${a.detainerId}` : ': no detainer authorised this custody',
      ),
      personLine({ personId: a.personId, aNumber: a.aNumber })
        ? h(
            'p',
            { class: 'sub' },
            canOpenHistory() && a.personId
              ? h('a', { href: personHref(a.facilityId, a.personId) }, personLine({ personId: a.personId, aNumber: a.aNumber }))
              : personLine({ personId: a.personId, aNumber: a.aNumber }),
          )
        : null,
      h('p', {}, 'Deadline ', at(a.deadlineLocal)),
      h('p', { class: 'sub raised' }, `Raised ${at(a.raisedLocal)}`, a.late ? ' (late: the sweep was behind)' : ''),
      a.custodyEndedLocal ? h('p', { class: 'ended' }, `Custody ended ${at(a.custodyEndedLocal)}: acknowledge to close this alert.`) : null,
      awaiting(a)
        ? h(
            'button',
            { type: 'button', onclick: () => ackForm(li, a, `/api/alerts/${a.id}/acknowledge`, `Alert for booking ${a.bookingId}${a.personName ? ` (${a.personName})` : ''}`) },
            'Acknowledge',
          )
        : h('p', { class: 'acked' }, `Acknowledged by ${a.acknowledgedBy} at ${at(a.acknowledgedLocal)}${a.note ? `: ${a.note}` : ''}`),
    );
    return li;
  }

  /** Acknowledge `a` by POSTing to `path`, with an optional note; `what` names it in the confirmation. */
  function ackForm(li, a, path, what) {
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
            const done = await api.post(path, note ? { note } : {});
            open = open.filter((x) => x !== a.id);
            // Kept apart from the summary, which each refresh rewrites.
            status.textContent = `${what} acknowledged by ${done.acknowledgedBy} at ${wallClock(done.acknowledgedLocal, facilities.byId(a.facilityId)?.timeZone)}${done.state === 'resolved' ? ': closed, the custody has ended' : ''}.`;
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
