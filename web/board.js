// The board: every pending, running and overdue hold, least time left first, counting down live.
import { api, qs } from './api.js';
import { $, fillFacilities, h, replace } from './dom.js';
import { STATE_ICONS, STATE_LABELS, countdown, countdownSpoken, holdState, policyLabel, wallClock } from './format.js';

/** How often holds are fetched again, and after how long without an answer the data is called stale. */
export const POLL_MS = 15_000;
export const STALE_AFTER_MS = 2 * POLL_MS + 5_000;

export function createBoard({ facilities, stale }) {
  const select = $('#board-facility');
  const tbody = $('#board-table tbody');
  let holds = [];
  let byId = new Map();
  let fetchedAt = 0; // performance.now() when `holds` arrived: secondsLeft counts down from there
  let pollTimer = null;
  let tickTimer = null;

  select.addEventListener('change', () => refresh());

  const leftNow = (hold) => (hold.secondsLeft === null ? null : hold.secondsLeft - (performance.now() - fetchedAt) / 1000);

  let generation = 0; // answers to an older refresh (another facility chosen since) are dropped
  let answers = 0; // answers handled, drawn or dropped: on the table as data-answers, for tests and debugging

  async function refresh() {
    const mine = ++generation;
    try {
      const list = await facilities.load();
      fillFacilities(select, list);
      const answer = await api.all(`/api/holds?${qs({ status: 'active', facilityId: select.value })}`);
      tbody.dataset.answers = String(++answers);
      if (mine !== generation) return;
      holds = answer;
      byId = new Map(holds.map((x) => [x.id, x]));
      fetchedAt = performance.now();
      stale.ok('holds');
      render();
    } catch (err) {
      if (mine === generation) stale.failed('holds', err);
    }
  }

  function render() {
    replace(
      tbody,
      holds.length === 0 ? h('tr', {}, h('td', { colspan: 6, class: 'empty' }, 'No one is held on a detainer here right now.')) : holds.map(row),
    );
    tick();
  }

  /** The deadline; for a clock that starts later, the one it will have and when it starts. */
  function deadlineCell(hold) {
    if (hold.deadlineLocal) return [wallClock(hold.deadlineLocal)];
    if (hold.scheduled) return [wallClock(hold.scheduled.deadlineLocal), h('span', { class: 'sub' }, `clock starts ${wallClock(hold.scheduled.clockStartsLocal)}`)];
    return [h('span', { class: 'sub' }, 'starts when release-eligible')];
  }

  function row(hold) {
    const f = facilities.byId(hold.facilityId);
    return h(
      'tr',
      { 'data-hold': hold.id },
      h('td', { class: 'left' }, h('span', { class: 'state' }), ' ', h('span', { class: 'countdown' })),
      h('td', { class: 'booking' }, h('strong', {}, hold.bookingId), hold.personId ? h('span', { class: 'sub' }, `person ${hold.personId}`) : null),
      h('td', { class: 'wide' }, f ? f.name : hold.facilityId, h('span', { class: 'sub' }, hold.timeZone)),
      h('td', {}, ...deadlineCell(hold)),
      h('td', { class: 'wide' }, policyLabel(hold.policy, hold.holdHours)),
      h('td', {}, hold.form, hold.warrant && hold.warrant !== 'none' ? h('span', { class: 'sub' }, `${hold.warrant} warrant`) : null),
    );
  }

  /** Once a second: countdowns, colours and the summary, from the last answer and the time since. */
  function tick() {
    const counts = { overdue: 0, approaching: 0, safe: 0, pending: 0 };
    for (const tr of tbody.querySelectorAll('tr[data-hold]')) {
      const hold = byId.get(tr.dataset.hold);
      if (!hold) continue;
      const left = leftNow(hold);
      const state = holdState(left, facilities.byId(hold.facilityId)?.warnBeforeHours);
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
    const summary = `${holds.length} hold${holds.length === 1 ? '' : 's'}: ${counts.overdue} overdue, ${counts.approaching} approaching, ${counts.safe} safe, ${counts.pending} not started.`;
    const el = $('#board-summary');
    // Only on change: a live region must not chatter every second.
    if (el.textContent !== summary) el.textContent = summary;
  }

  return {
    show() {
      stale.watch('holds', true);
      refresh();
      pollTimer = setInterval(refresh, POLL_MS);
      tickTimer = setInterval(tick, 1000);
    },
    hide() {
      stale.watch('holds', false);
      clearInterval(pollTimer);
      clearInterval(tickTimer);
    },
  };
}
