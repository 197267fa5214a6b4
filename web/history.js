// A booking's hold history: facts, its custody record explained in sentences with its violations,
// each hold explained in sentences, every event as received, the PDF.
import { api, qs } from './api.js';
import { $, h, loadOnSubmit } from './dom.js';
import { countdown, policyLabel, utcClock, wallClock } from './format.js';

export function createHistory() {
  const form = $('#history-form');
  const out = $('#history-out');
  const error = $('#history-error');

  loadOnSubmit(form, {
    out,
    error,
    waiting: 'Loading…',
    async load() {
      const bookingId = $('#history-booking').value.trim();
      const facilityId = $('#history-facility').value.trim();
      const path = `/api/bookings/${encodeURIComponent(bookingId)}/history`;
      const history = await api.get(`${path}?${qs({ facilityId })}`).catch((err) => {
        throw err.status === 403 ? new Error(`This key may not read booking ${bookingId}: ${err.message}`) : err;
      });
      return render(history, path, facilityId);
    },
  });

  /** The history as page content. */
  function render(x, path, facilityId) {
    const b = x.booking;
    return [
      h('h2', {}, `Booking ${b.bookingId} at ${x.facility.name}`),
      h(
        'dl',
        { class: 'facts' },
        fact('Person', b.personId ?? '—'),
        fact('Booked', wallClock(b.bookedLocal)),
        fact('Release-eligible', b.releaseEligibleLocal ? `${wallClock(b.releaseEligibleLocal)}${b.releaseReason ? ` (${b.releaseReason.replace(/_/g, ' ')})` : ''}` : 'not yet'),
        fact('Left custody', b.custodyEndedLocal ? `${wallClock(b.custodyEndedLocal)} (${b.custodyEndKind}${b.toAgency ? ` to ${b.toAgency}` : ''})` : 'still in custody'),
        fact('Time zone', x.facility.timeZone),
      ),
      h(
        'button',
        { type: 'button', id: 'history-pdf', onclick: () => api.download(`${path}?${qs({ facilityId, format: 'pdf' })}`, `history-${b.bookingId}.pdf`).catch((e) => (error.textContent = e.message)) },
        'Download PDF',
      ),
      custodySection(x.custody),
      x.holds.map((hold) =>
        h(
          'article',
          { class: 'hold' },
          h('h3', {}, `Detainer ${hold.detainerId} (${hold.form}): ${hold.status}${hold.compliant === false ? ', past the deadline' : hold.compliant ? ', within the deadline' : ''}`),
          h('p', { class: 'sub' }, `${policyLabel(hold.policy, hold.holdHours)}; deadline ${wallClock(hold.deadlineLocal)}${hold.secondsLeft !== null ? `; ${countdown(hold.secondsLeft)}` : ''}`),
          h('ul', { class: 'explain' }, hold.explanation.sentences.map((t) => h('li', {}, t))),
        ),
      ),
      h('h3', {}, 'Timeline: every event as received'),
      h(
        'div',
        { class: 'scroll' },
        h(
          'table',
          { class: 'grid compact', id: 'history-timeline' },
          h('caption', { class: 'sr-only' }, 'Events of this booking in the order they happened'),
          h('thead', {}, h('tr', {}, ['#', 'Happened (jail time)', 'Event', 'Received', 'Chain hash'].map((t) => h('th', { scope: 'col' }, t)))),
          h(
            'tbody',
            {},
            x.events.map((e) =>
              h(
                'tr',
                { class: e.retractedBy ? 'retracted' : '' },
                h('td', {}, e.seq),
                h('td', {}, wallClock(e.occurredLocal)),
                h('td', {}, e.type, e.retractedBy ? h('span', { class: 'sub' }, ` retracted by ${e.retractedBy}`) : null, e.noEffect ? h('span', { class: 'sub' }, ` no effect: ${e.noEffect}`) : null),
                h('td', {}, `${utcClock(e.receivedAt)} UTC`),
                h('td', { class: 'hash' }, e.chainHash ? `${e.chainHash.slice(0, 12)}…` : '—'),
              ),
            ),
          ),
        ),
      ),
    ];
  }

  const fact = (k, v) => h('div', {}, h('dt', {}, k), h('dd', {}, v));

  /**
   * The booking's custody record as stored: its status and verdict, its sentences (periods,
   * windows and why they ended, violations, anomalies) and a table of the violations.
   */
  function custodySection(c) {
    if (!c) return h('section', { class: 'custody', id: 'history-custody' }, h('h3', {}, 'Custody'), h('p', { class: 'sub' }, 'This booking has no detainer, so there is no custody record to judge.'));
    const verdict = c.compliant === null ? '' : c.compliant ? ', compliant' : `, not compliant (${c.overageSeconds} s without authority)`;
    const now = c.status === 'running' || c.status === 'overdue' ? `${c.status === 'running' ? 'authorised until' : 'authority ended'} ${wallClock(c.authorizedUntilLocal)}${c.secondsLeft !== null ? `; ${countdown(c.secondsLeft)}` : ''}; ` : '';
    return h(
      'section',
      { class: 'custody', id: 'history-custody' },
      h('h3', {}, `Custody: ${c.status}${verdict}`),
      h('p', { class: 'sub' }, `${now}${c.compliant === null ? `${c.unauthorizedSeconds} s without authority so far, ` : ''}${c.processingSeconds} s of release processing; times in ${c.timeZone}`),
      h('ul', { class: 'explain' }, c.explanation.map((t) => h('li', {}, t))),
      c.rejudged
        ? h('p', {}, `Judged again after custody ended (rule version recorded ${utcClock(c.rejudged.recordedAt)} UTC): the verdict before was ${c.rejudged.compliant === null ? 'not decided' : c.rejudged.compliant ? 'compliant' : `not compliant, ${c.rejudged.overageSeconds ?? 0} s without authority`}.`)
        : null,
      c.violations.length === 0
        ? h('p', { class: 'sub' }, 'No custody without authority.')
        : h(
            'div',
            { class: 'scroll' },
            h(
              'table',
              { class: 'grid compact', id: 'history-violations' },
              h('caption', { class: 'sr-only' }, 'Custody without authority: each stretch and why it had none'),
              h('thead', {}, h('tr', {}, ['From (jail time)', 'Until (jail time)', 'Seconds', 'Why no authority'].map((t) => h('th', { scope: 'col' }, t)))),
              h(
                'tbody',
                {},
                c.violations.map((v) =>
                  h('tr', {}, h('td', {}, wallClock(v.fromLocal)), h('td', {}, v.untilLocal ? wallClock(v.untilLocal) : 'still going on'), h('td', {}, v.seconds), h('td', {}, v.reason.replace(/_/g, ' '))),
                ),
              ),
            ),
          ),
    );
  }

  return { show() {}, hide() {} };
}
