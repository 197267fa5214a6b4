// Histories: a booking's, or a person's across bookings: facts, the custody record explained in
// sentences with its violations, each hold's clock explained, every event as received, the PDF.
// Supervisors and admins find a person or booking here (by name, booking id, person id or A-number);
// board rows and alert cards open histories here too (#history?facilityId=…&bookingId=… or &personId=…).
import { DateTime } from '/vendor/luxon/luxon.mjs';
import { api, qs } from './api.js';
import { $, h, loadOnSubmit, replace } from './dom.js';
import { bookingHref, countdown, localClock, personHref, personLine, policyLabel, utcClock, wallClock, words } from './format.js';

/** The kinds of contact with ICE the log takes (POST /api/custody/:id/contacts). */
const CONTACT_KINDS = ['release_date_shared', 'notification_sent', 'interview_requested', 'interview_held', 'records_request', 'other'];

export function createHistory({ role }) {
  const form = $('#history-form');
  const out = $('#history-out');
  const error = $('#history-error');
  const find = $('#history-find');
  const found = $('#history-found');
  const granted = $('#history-grants');

  loadOnSubmit(form, {
    out,
    error,
    waiting: 'Loading…',
    load: () => {
      replace(found);
      return loadBooking($('#history-booking').value.trim(), $('#history-facility').value.trim());
    },
  });

  find.addEventListener('submit', async (e) => {
    e.preventDefault();
    const q = $('#history-q').value.trim();
    error.textContent = '';
    replace(out);
    if (q.length < 2) {
      replace(found, h('p', { class: 'error', id: 'history-find-none' }, 'Type at least 2 characters: a name, a booking id, a person id or an A-number.'));
      return;
    }
    try {
      replace(found, h('p', { class: 'sub' }, 'Searching…'));
      const page = await api.get(`/api/custody?${qs({ q, limit: 50 })}`);
      replace(found, results(q, page.items, page.nextCursor !== null));
    } catch (err) {
      replace(found);
      error.textContent = err.message;
    }
  });

  /** The records found: one line each, opening the booking's or the person's history. */
  function results(q, items, more) {
    if (items.length === 0) {
      return h('p', { class: 'error', id: 'history-find-none' }, `No one matches "${q}". Try a booking id, a person id, an A-number or part of a name as the jail sent it.`);
    }
    return [
      h('p', { class: 'sub' }, `${items.length}${more ? '+' : ''} found${more ? ': the first 50; narrow the search' : ''}.`),
      h(
        'ul',
        { class: 'found', id: 'history-results' },
        items.map((c) =>
          h(
            'li',
            { 'data-custody': c.id },
            h('a', { href: bookingHref(c.facilityId, c.bookingId) }, h('strong', {}, `Booking ${c.bookingId}`)),
            ` at ${c.facilityId}: ${c.status}`,
            h('span', { class: 'sub' }, c.personId ? h('a', { href: personHref(c.facilityId, c.personId) }, personLine(c)) : personLine(c) || 'no person id sent'),
          ),
        ),
      ),
    ];
  }

  /** What is shown, loaded again (after a contact is logged). */
  let reloadShown = async () => {};

  async function loadBooking(bookingId, facilityId) {
    reloadShown = async () => replace(out, await loadBooking(bookingId, facilityId));
    const path = `/api/bookings/${encodeURIComponent(bookingId)}/history`;
    const history = await api.get(`${path}?${qs({ facilityId })}`).catch((err) => {
      throw err.status === 403 ? new Error(`This key may not read booking ${bookingId}: ${err.message}`) : err;
    });
    return render(history, { single: true, pdf: { path, facilityId, name: `history-${history.booking.bookingId}.pdf` } });
  }

  async function loadPerson(personId, facilityId) {
    reloadShown = async () => replace(out, await loadPerson(personId, facilityId));
    const path = `/api/people/${encodeURIComponent(personId)}/history`;
    const x = await api.get(`${path}?${qs({ facilityId })}`).catch((err) => {
      throw err.status === 403 ? new Error(`This key may not read person ${personId}: ${err.message}`) : err;
    });
    return [
      h('h2', { id: 'history-person' }, `Person ${x.personName ? `${x.personName} (${x.personId})` : x.personId}`),
      h(
        'p',
        { class: 'sub' },
        `${x.bookings.length} booking${x.bookings.length === 1 ? '' : 's'}${x.aNumber ? `; A-number ${x.aNumber}` : ''}${facilityId ? `; in ${facilityId}` : ''}, oldest first.`,
      ),
      pdfButton(`${path}?${qs({ facilityId, format: 'pdf' })}`, `history-person-${x.personId}.pdf`),
      x.bookings.map((b) => h('article', { class: 'booking-history' }, render(b, { single: false }))),
    ];
  }

  const pdfButton = (path, name) => h('button', { type: 'button', id: 'history-pdf', onclick: () => api.download(path, name).catch((e) => (error.textContent = e.message)) }, 'Download PDF');

  /** One booking's history as page content; `single`: the page shows only it (ids for its parts). */
  function render(x, { single, pdf = null }) {
    const b = x.booking;
    const id = (name) => (single ? name : null);
    return [
      h(single ? 'h2' : 'h3', {}, `Booking ${b.bookingId} at ${x.facility.name}`),
      h(
        'dl',
        { class: 'facts' },
        fact('Person', b.personId ? h('a', { href: personHref(x.facility.id, b.personId) }, personLine(b)) : personLine(b) || '—'),
        fact('Booked', wallClock(b.bookedLocal, x.facility.timeZone)),
        fact('Release-eligible', b.releaseEligibleLocal ? `${wallClock(b.releaseEligibleLocal, x.facility.timeZone)}${b.releaseReason ? ` (${words(b.releaseReason)})` : ''}` : 'not yet'),
        fact('Left custody', b.custodyEndedLocal ? `${wallClock(b.custodyEndedLocal, x.facility.timeZone)} (${b.custodyEndKind}${b.toAgency ? ` to ${b.toAgency}` : ''})` : 'still in custody'),
        fact('Time zone', x.facility.timeZone),
      ),
      pdf ? pdfButton(`${pdf.path}?${qs({ facilityId: pdf.facilityId, format: 'pdf' })}`, pdf.name) : null,
      custodySection(x.custody, id),
      x.custody ? contactsSection(x, id) : null,
      x.holds.map((hold) =>
        h(
          'article',
          { class: 'hold' },
          h('h3', {}, `Detainer ${hold.detainerId} (${hold.form}): ${hold.status}${hold.compliant === false ? ', past the deadline' : hold.compliant ? ', within the deadline' : ''}`),
          h(
            'p',
            { class: 'sub' },
            `${policyLabel(hold.policy, hold.holdHours)}; deadline ${wallClock(hold.deadlineLocal, x.facility.timeZone)}${hold.secondsLeft !== null ? `; ${countdown(hold.secondsLeft)}` : ''}`,
          ),
          h(
            'ul',
            { class: 'explain' },
            hold.explanation.sentences.map((t) => h('li', {}, t)),
          ),
        ),
      ),
      h('h3', {}, 'Timeline: every event as received'),
      h(
        'div',
        { class: 'scroll' },
        h(
          'table',
          { class: 'grid compact timeline', id: id('history-timeline') },
          h('caption', { class: 'sr-only' }, 'Events of this booking in the order they happened'),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['#', 'Happened (jail time)', 'Event', 'Received', 'Chain hash'].map((t) => h('th', { scope: 'col' }, t)),
            ),
          ),
          h(
            'tbody',
            {},
            x.events.map((e) =>
              h(
                'tr',
                { class: e.retractedBy ? 'retracted' : '' },
                h('td', {}, e.seq),
                h('td', {}, wallClock(e.occurredLocal, x.facility.timeZone)),
                h('td', {}, e.type, e.retractedBy ? h('span', { class: 'sub' }, ` retracted by ${e.retractedBy}`) : null, e.noEffect ? h('span', { class: 'sub' }, ` no effect: ${e.noEffect}`) : null),
                h('td', {}, utcClock(e.receivedAt)),
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
  function custodySection(c, id) {
    if (!c)
      return h('section', { class: 'custody', id: id('history-custody') }, h('h3', {}, 'Custody'), h('p', { class: 'sub' }, 'This booking has no detainer, so there is no custody record to judge.'));
    const verdict = c.compliant === null ? '' : c.compliant ? ', compliant' : `, not compliant (${c.overageSeconds} s without authority)`;
    const now =
      c.status === 'running' || c.status === 'overdue'
        ? `${c.status === 'running' ? 'authorised until' : 'authority ended'} ${wallClock(c.authorizedUntilLocal, c.timeZone)}${c.secondsLeft !== null ? `; ${countdown(c.secondsLeft)}` : ''}; `
        : '';
    return h(
      'section',
      { class: 'custody', id: id('history-custody') },
      h('h3', {}, `Custody: ${c.status}${verdict}`),
      h('p', { class: 'sub' }, `${now}${c.compliant === null ? `${c.unauthorizedSeconds} s without authority so far, ` : ''}${c.processingSeconds} s of release processing; times in ${c.timeZone}`),
      h(
        'ul',
        { class: 'explain' },
        c.explanation.map((t) => h('li', {}, t)),
      ),
      c.rejudged
        ? h(
            'p',
            {},
            `Judged again after custody ended (rule version recorded ${utcClock(c.rejudged.recordedAt)}): the verdict before was ${c.rejudged.compliant === null ? 'not decided' : c.rejudged.compliant ? 'compliant' : `not compliant, ${c.rejudged.overageSeconds ?? 0} s without authority`}.`,
          )
        : null,
      c.violations.length === 0
        ? h('p', { class: 'sub' }, 'No custody without authority.')
        : h(
            'div',
            { class: 'scroll' },
            h(
              'table',
              { class: 'grid compact violations', id: id('history-violations') },
              h('caption', { class: 'sr-only' }, 'Custody without authority: each stretch and why it had none'),
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ['From (jail time)', 'Until (jail time)', 'Seconds', 'Why no authority'].map((t) => h('th', { scope: 'col' }, t)),
                ),
              ),
              h(
                'tbody',
                {},
                c.violations.map((v) =>
                  h(
                    'tr',
                    {},
                    h('td', {}, wallClock(v.fromLocal, c.timeZone)),
                    h('td', {}, v.untilLocal ? wallClock(v.untilLocal, c.timeZone) : 'still going on'),
                    h('td', {}, v.seconds),
                    h('td', {}, words(v.reason)),
                  ),
                ),
              ),
            ),
          ),
    );
  }

  /**
   * Telling ICE the release date: whether the facility's rules allow it now and why, then every
   * contact with ICE logged against the custody record, a disallowed one flagged. Supervisors log
   * a contact here (the time typed is the jail's clock; empty: now).
   */
  function contactsSection(x, id) {
    const c = x.custody;
    const zone = x.facility.timeZone;
    const canLog = ['admin', 'supervisor'].includes(role());
    const note = h('p', { class: 'error', 'aria-live': 'assertive' });
    const kind = /** @type {HTMLSelectElement} */ (
      h(
        'select',
        { 'aria-label': 'Contact' },
        CONTACT_KINDS.map((k) => h('option', { value: k }, words(k))),
      )
    );
    const when = /** @type {HTMLInputElement} */ (h('input', { type: 'datetime-local', 'aria-label': `When (jail time, ${zone}; empty: now)` }));
    const text = /** @type {HTMLInputElement} */ (h('input', { 'aria-label': 'Note (optional)', size: 28, maxlength: 2000 }));
    const log = h(
      'form',
      {
        class: 'inline',
        id: id('history-contact-form'),
        onsubmit: async (e) => {
          e.preventDefault();
          note.textContent = '';
          const at = when.value ? DateTime.fromISO(when.value, { zone }) : DateTime.now();
          if (!at.isValid) {
            note.textContent = 'When: must be a date and time';
            return;
          }
          try {
            await api.post(`/api/custody/${c.id}/contacts`, { kind: kind.value, at: at.toUTC().toISO(), note: text.value.trim() || undefined });
            await reloadShown();
          } catch (err) {
            note.textContent = err.message;
          }
        },
      },
      kind,
      when,
      text,
      h('button', { type: 'submit' }, 'Log contact'),
    );
    return h(
      'section',
      { class: 'contacts', id: id('history-contacts') },
      h('h3', {}, 'Release date and contacts with ICE'),
      h('p', { class: c.disclosure.allowed ? '' : 'flag' }, `Telling ICE the release date is ${c.disclosure.allowed ? 'allowed' : 'not allowed'} now: ${c.disclosure.basis.replace(/[.\s]+$/, '')}.`),
      x.contacts.length === 0
        ? h('p', { class: 'sub' }, 'No contact with ICE is logged for this custody record.')
        : h(
            'div',
            { class: 'scroll' },
            h(
              'table',
              { class: 'grid compact', id: id('history-contacts-table') },
              h('caption', { class: 'sr-only' }, 'Contacts with ICE about this custody, oldest first'),
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ['When (jail time)', 'Contact', 'Recorded', 'Allowed by the rules', 'Note'].map((t) => h('th', { scope: 'col' }, t)),
                ),
              ),
              h(
                'tbody',
                {},
                x.contacts.map((k) =>
                  h(
                    'tr',
                    { class: k.allowed ? '' : 'flagged' },
                    h('td', {}, localClock(k.at, zone)),
                    h('td', {}, words(k.kind)),
                    h('td', {}, `${utcClock(k.recordedAt)} by ${k.recordedBy}`),
                    h('td', {}, k.allowed ? 'yes' : `NO: ${k.basis}`),
                    h('td', {}, k.note ?? ''),
                  ),
                ),
              ),
            ),
          ),
      canLog ? [log, note] : null,
    );
  }

  /** Show what the hash names: a booking's or a person's history (nothing: the forms only). */
  async function open(params) {
    const facilityId = params.get('facilityId') ?? '';
    const bookingId = params.get('bookingId');
    const personId = params.get('personId');
    if (!bookingId && !personId) return;
    error.textContent = '';
    if (bookingId) {
      $('#history-booking').value = bookingId;
      $('#history-facility').value = facilityId;
    }
    try {
      replace(out, h('p', { class: 'sub' }, 'Loading…'));
      replace(out, await (bookingId ? loadBooking(bookingId, facilityId) : loadPerson(personId, facilityId)));
    } catch (err) {
      replace(out);
      error.textContent = err.message;
    }
  }

  /** Counsel: the bookings and people granted to this key (GET /api/grants answers with its own), each opening its history. */
  async function showGrants() {
    replace(granted, h('p', { class: 'sub' }, 'Loading what was granted…'));
    try {
      // People first (a person's grant opens every booking), then bookings; each by facility and id.
      const key = (g) => [g.personId ? 0 : 1, g.facilityId, g.personId ?? g.bookingId].join('\u0000');
      const live = (await api.get('/api/grants')).items.filter((g) => g.revokedAt === null).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
      replace(
        granted,
        h('h2', {}, 'Granted to you'),
        live.length === 0
          ? h('p', { id: 'history-grants-none' }, 'Nothing is granted to this key yet: ask an administrator to grant you a booking or a person.')
          : h(
              'ul',
              { class: 'found', id: 'history-grants-list' },
              live.map((g) =>
                h(
                  'li',
                  {},
                  g.bookingId
                    ? h('a', { href: bookingHref(g.facilityId, g.bookingId) }, h('strong', {}, `Booking ${g.bookingId}`))
                    : h('a', { href: personHref(g.facilityId, g.personId) }, h('strong', {}, `Person ${g.personId}`), ' (every booking)'),
                  ` at ${g.facilityId}`,
                  h('span', { class: 'sub' }, `granted ${utcClock(g.createdAt)}`),
                ),
              ),
            ),
      );
    } catch (err) {
      replace(granted);
      error.textContent = err.message;
    }
  }

  return {
    /** A new sign-in: the search box for roles that find people, the grants for counsel; nothing of the last key's shown. */
    signedIn() {
      find.hidden = !['admin', 'supervisor'].includes(role());
      granted.hidden = role() !== 'counsel';
      replace(out);
      replace(found);
      replace(granted);
      error.textContent = '';
      if (role() === 'counsel') showGrants();
    },
    open,
    show() {},
    hide() {},
  };
}
