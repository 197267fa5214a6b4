// The board: one row per person's custody (pending, running or overdue), least authority left first, counting down live.
import { api, qs } from './api.js';
import { $, fillFacilities, h, replace } from './dom.js';
import {
  STATE_ICONS,
  STATE_LABELS,
  boardSummary,
  bookingHref,
  countdown,
  countdownSpoken,
  detainerLine,
  holdState,
  periodAhead,
  personHref,
  personLine,
  policyLabel,
  presetNotice,
  wallClock,
} from './format.js';

/** How often custody records are fetched again, and after how long without an answer the data is called stale. */
export const POLL_MS = 15_000;
export const STALE_AFTER_MS = 2 * POLL_MS + 5_000;

export function createBoard({ facilities, stale, canOpenHistory }) {
  const select = $('#board-facility');
  const tbody = $('#board-table tbody');
  let people = []; // custody records, one per booking with a detainer, as GET /api/custody gives them
  let byId = new Map();
  let fetchedAt = 0; // performance.now() when `people` arrived: secondsLeft counts down from there
  let pollTimer = null;
  let tickTimer = null;

  select.addEventListener('change', () => refresh());

  const leftNow = (custody) => (custody.secondsLeft === null ? null : custody.secondsLeft - (performance.now() - fetchedAt) / 1000);

  let generation = 0; // answers to an older refresh (another facility chosen since) are dropped
  let answers = 0; // answers handled, drawn or dropped: on the table as data-answers, for tests and debugging

  async function refresh() {
    const mine = ++generation;
    try {
      const list = await facilities.load();
      fillFacilities(select, list);
      const answer = await api.all(`/api/custody?${qs({ status: 'active', facilityId: select.value })}`);
      tbody.dataset.answers = String(++answers);
      if (mine !== generation) return;
      people = answer;
      byId = new Map(people.map((x) => [x.id, x]));
      fetchedAt = performance.now();
      stale.ok('board');
      render();
    } catch (err) {
      if (mine === generation) stale.failed('board', err);
    }
  }

  function render() {
    replace(tbody, people.length === 0 ? h('tr', {}, h('td', { colspan: 5, class: 'empty' }, 'No one is held on a detainer here right now.')) : people.map(row));
    tick();
  }

  /**
   * Until when custody is authorised, on the jail's clock. Not yet in an eligibility period: when
   * one is scheduled, when it starts (and the authority it would have); otherwise that it starts
   * when the person is release-eligible.
   */
  function authorizedCell(custody) {
    const ahead = periodAhead(custody, Date.now());
    if (ahead) {
      return [custody.authorizedUntilLocal ? wallClock(custody.authorizedUntilLocal, custody.timeZone) : null, h('span', { class: 'sub' }, `starts ${wallClock(ahead.fromLocal, custody.timeZone)}`)];
    }
    if (custody.status === 'pending') return [h('span', { class: 'sub' }, 'starts when release-eligible')];
    if (custody.authorizedUntilLocal) return [wallClock(custody.authorizedUntilLocal, custody.timeZone)];
    const open = custody.violations?.find((v) => v.until === null);
    return [h('span', { class: 'sub' }, open ? `no authority since ${wallClock(open.fromLocal, custody.timeZone)}` : 'no authority')];
  }

  /** The record's anomalies behind a small "n notes" marker that opens with the keyboard too. */
  function notes(custody) {
    const n = custody.anomalies?.length ?? 0;
    if (n === 0) return null;
    return h(
      'details',
      { class: 'notes' },
      h('summary', {}, `${n} note${n === 1 ? '' : 's'}`),
      h(
        'ul',
        {},
        custody.anomalies.map((a) => h('li', {}, a.message)),
      ),
    );
  }

  /**
   * The booking and who it is: the name and A-number where the JMS sent them and this key sees
   * them, the person id; each opens its history where this key may read histories.
   */
  function whoCell(custody) {
    const open = canOpenHistory();
    const booking = h('strong', {}, custody.bookingId);
    const person = personLine({ personId: custody.personId, aNumber: custody.aNumber });
    return [
      open ? h('a', { href: bookingHref(custody.facilityId, custody.bookingId), 'aria-label': `Booking ${custody.bookingId}: history and timeline` }, booking) : booking,
      custody.personName ? h('span', { class: 'name' }, custody.personName) : null,
      person ? h('span', { class: 'sub' }, open && custody.personId ? h('a', { href: personHref(custody.facilityId, custody.personId) }, person) : person) : null,
    ];
  }

  /** The facility's unverified rules, plainly: a marker always shown, the reasons one click away. */
  function unverified(f) {
    const notice = presetNotice(f?.preset);
    if (!notice) return null;
    return h('details', { class: 'unverified' }, h('summary', {}, notice.label), h('ul', {}, ...notice.reasons.map((r) => h('li', {}, r))));
  }

  function row(custody) {
    const f = facilities.byId(custody.facilityId);
    return h(
      'tr',
      { 'data-custody': custody.id },
      h('td', { class: 'left' }, h('span', { class: 'state' }), ' ', h('span', { class: 'countdown' })),
      h('td', { class: 'booking' }, ...whoCell(custody), notes(custody)),
      h(
        'td',
        { class: 'wide' },
        f ? f.name : custody.facilityId,
        h('span', { class: 'sub' }, custody.timeZone),
        f ? h('span', { class: 'sub' }, policyLabel(f.policy, f.holdHours)) : null,
        unverified(f),
      ),
      h('td', {}, ...authorizedCell(custody)),
      h(
        'td',
        {},
        h(
          'ul',
          { class: 'detainers' },
          custody.detainers.map((d) => h('li', {}, detainerLine(d, custody.status))),
        ),
      ),
    );
  }

  /** Once a second: countdowns, colours and the summary, from the last answer and the time since. */
  function tick() {
    const counts = { overdue: 0, approaching: 0, safe: 0, pending: 0 };
    for (const tr of tbody.querySelectorAll('tr[data-custody]')) {
      const custody = byId.get(tr.dataset.custody);
      if (!custody) continue;
      const left = leftNow(custody);
      const state = holdState(left, facilities.byId(custody.facilityId)?.warnBeforeHours);
      counts[state]++;
      tr.className = `state-${state}`;
      const badge = tr.querySelector('.state');
      badge.textContent = `${STATE_ICONS[state]} ${STATE_LABELS[state]}`;
      const cd = tr.querySelector('.countdown');
      const text = countdown(left);
      if (cd.textContent !== text) {
        cd.textContent = text;
        cd.setAttribute('aria-label', countdownSpoken(left));
      }
    }
    const summary = boardSummary(people.length, counts);
    const el = $('#board-summary');
    // Only on change: a live region must not chatter every second.
    if (el.textContent !== summary) el.textContent = summary;
  }

  return {
    show() {
      stale.watch('board', true);
      refresh();
      pollTimer = setInterval(refresh, POLL_MS);
      tickTimer = setInterval(tick, 1000);
    },
    hide() {
      stale.watch('board', false);
      clearInterval(pollTimer);
      clearInterval(tickTimer);
    },
  };
}
