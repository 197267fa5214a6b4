// The compliance report of a facility (or all) and period in each jail's own calendar: the
// population and whether the tables add up, key figures, three charts, CSV and PDF, and the
// closed-custody list (held past the limit by default) with its own CSV.
import { DateTime } from '/vendor/luxon/luxon.mjs';
import { api, qs } from './api.js';
import { $, fillFacilities, h, loadOnSubmit, replace } from './dom.js';
import { barChart } from './charts.js';
import { bookingHref, defaultPeriod, overage, personLine, wallClock, words } from './format.js';

/** The closed-custody list's verdict filter: the compliant= value it sends, and its words. */
const VERDICTS = [
  ['false', 'Held past the limit'],
  ['true', 'Within the limit'],
  ['', 'Every verdict'],
];
const PAGE = 100;

export function createReports({ facilities, canOpenHistory }) {
  const form = $('#reports-form');
  const out = $('#reports-out');
  const error = $('#reports-error');

  loadOnSubmit(form, {
    out,
    error,
    waiting: 'Computing…',
    async load() {
      const params = period();
      return params && render(await api.get(`/api/reports/compliance?${qs(params)}`), params);
    },
  });

  /** The period as dates: the API counts each facility's own days (midnight in its zone). */
  function period() {
    const from = $('#reports-from').value;
    const to = $('#reports-to').value;
    if (!DateTime.fromISO(from).isValid) {
      error.textContent = 'from: choose the first day of the period';
      return null;
    }
    if (!DateTime.fromISO(to).isValid || to <= from) {
      error.textContent = 'to: must be a date after from';
      return null;
    }
    return { facilityId: $('#reports-facility').value, from, to };
  }

  const download = (path, filename) => api.download(path, filename).catch((e) => (error.textContent = e.message));

  /** The report as page content. */
  function render(r, params) {
    const name = r.facilityId ? (facilities.byId(r.facilityId)?.name ?? r.facilityId) : 'All facilities';
    const file = `compliance-${r.facilityId ?? 'all'}-${r.from}`;
    const failed = Object.entries(r.reconciles).filter(([, ok]) => !ok);
    const figures = [
      ['Detainers received', r.detainersReceived],
      ['Custody that needed an authority', r.holdsStarted],
      ['Custody ended', r.closed.total],
      ['Ended within the limit', r.closed.withinLimit],
      ['Ended past the limit', r.closed.pastLimit],
      ['Ended without needing an authority', r.closed.withoutNeedingAuthority],
      ['Still in custody at the end', r.holdsRunningAtEnd],
      ['Honoured (transferred)', r.honoured],
      ['Detainers cancelled', r.cancelled],
      ['Time past the limit, all people', `${Math.round((r.overageSeconds.total / 3600) * 10) / 10} h`],
    ];
    const levels = Object.keys(r.byChargeLevel); // most serious first, as the API lists them
    const bandLabel = (b) => (b.toHours === null ? `${b.fromHours} h +` : `${b.fromHours}–${b.toHours} h`);
    return [
      h('h2', {}, `${name}: ${r.from} to ${r.to} (not included)`),
      h(
        'p',
        { class: 'sub', id: 'reports-population' },
        `Each facility's own calendar (midnight in its time zone). Detainers count by when they were received; people (one custody record per booking with a detainer) by when their custody first needed an authority and by when it ended, so a person held on two detainers counts once.`,
      ),
      h(
        'p',
        { id: 'reports-reconcile', class: failed.length ? 'error' : 'sub' },
        failed.length
          ? `These tables do not add up to their headline: ${failed.map(([k]) => k).join(', ')}.`
          : `The figures reconcile: the ${r.closed.total} people whose custody ended are each in one outcome, and every table adds up to its headline.`,
      ),
      h(
        'dl',
        { class: 'figures' },
        figures.map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v))),
      ),
      h(
        'div',
        { class: 'charts' },
        barChart({
          id: 'chart-monthly',
          title: 'People per month',
          categories: r.monthly.map((m) => m.month),
          series: [
            { name: 'needed an authority', values: r.monthly.map((m) => m.holdsStarted), cls: 's1' },
            { name: 'ended within the limit', values: r.monthly.map((m) => m.holdsClosedCompliant), cls: 's2' },
            { name: 'ended past the limit', values: r.monthly.map((m) => m.holdsPastDeadline), cls: 's3' },
          ],
        }),
        barChart({
          id: 'chart-overage',
          title: 'How far past the limit (people whose custody ended past it)',
          categories: r.overageDistribution.map(bandLabel),
          series: [{ name: 'people', values: r.overageDistribution.map((b) => b.holds), cls: 's3' }],
        }),
        barChart({
          id: 'chart-charges',
          title: 'By most serious charge',
          categories: levels,
          series: [
            { name: 'detainers received', values: levels.map((l) => r.byChargeLevel[l].detainersReceived), cls: 's1' },
            { name: 'people ended within the limit', values: levels.map((l) => r.byChargeLevel[l].holdsClosedCompliant), cls: 's2' },
            { name: 'people ended past the limit', values: levels.map((l) => r.byChargeLevel[l].holdsPastDeadline), cls: 's3' },
            { name: 'detainers honoured', values: levels.map((l) => r.byChargeLevel[l].honoured), cls: 's4' },
          ],
        }),
      ),
      h(
        'p',
        { class: 'actions' },
        h('button', { type: 'button', id: 'reports-csv', onclick: () => download(`/api/reports/compliance?${qs({ ...params, format: 'csv' })}`, `${file}.csv`) }, 'Download CSV'),
        ' ',
        h('button', { type: 'button', id: 'reports-pdf', onclick: () => download(`/api/reports/compliance?${qs({ ...params, format: 'pdf' })}`, `${file}.pdf`) }, 'Download PDF'),
      ),
      closedCustody(params),
    ];
  }

  /** Custody that ended in the period, by verdict (held past the limit first): one row per person, pages of PAGE, and the CSV of all of it. */
  function closedCustody(params) {
    const verdict = /** @type {HTMLSelectElement} */ (h('select', { id: 'closed-verdict' }, ...VERDICTS.map(([v, label]) => h('option', { value: v }, label))));
    const body = h('tbody');
    const status = h('p', { class: 'sub', id: 'closed-status', 'aria-live': 'polite' });
    const more = /** @type {HTMLButtonElement} */ (h('button', { type: 'button', id: 'closed-more', hidden: true }, 'More'));
    const query = () => qs({ facilityId: params.facilityId, status: 'closed', compliant: verdict.value, endedFrom: params.from, endedTo: params.to });
    let cursor = null;
    let shown = 0;

    async function load(append) {
      try {
        const page = await api.get(`/api/custody?${query()}&limit=${PAGE}${append && cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        if (!append) {
          replace(body);
          shown = 0;
        }
        body.append(...page.items.map(row));
        shown += page.items.length;
        cursor = page.nextCursor;
        more.hidden = cursor === null;
        const what = VERDICTS.find(([v]) => v === verdict.value)[1].toLowerCase();
        status.textContent = shown === 0 ? `No custody ended in this period with this verdict (${what}).` : `${shown}${cursor ? ' shown so far' : ''}: ${what}.`;
      } catch (e) {
        status.textContent = e.message;
      }
    }

    function row(c) {
      const booking = canOpenHistory() ? h('a', { href: bookingHref(c.facilityId, c.bookingId) }, c.bookingId) : c.bookingId;
      const reasons = [...new Set(c.violations.map((v) => words(v.reason)))].join('; ');
      return h(
        'tr',
        {},
        h('td', {}, facilities.byId(c.facilityId)?.name ?? c.facilityId),
        h('td', {}, booking, h('div', { class: 'sub' }, personLine(c))),
        h('td', {}, wallClock(c.endedLocal, c.timeZone)),
        h('td', {}, c.compliant === false ? overage(c.unauthorizedSeconds) : 'none'),
        h('td', {}, c.compliant === false ? reasons : c.compliant ? 'within the limit' : 'not judged'),
      );
    }

    verdict.addEventListener('change', () => load(false));
    more.addEventListener('click', () => load(true));
    load(false);
    return h(
      'section',
      { id: 'closed-custody', 'aria-labelledby': 'closed-title' },
      h('h2', { id: 'closed-title' }, 'Custody that ended in the period'),
      h(
        'p',
        { class: 'row-form' },
        h('label', {}, 'Verdict ', verdict),
        h(
          'button',
          {
            type: 'button',
            id: 'closed-csv',
            onclick: () =>
              download(
                `/api/custody?${query()}&format=csv`,
                `custody-${params.facilityId || 'all'}-${params.from}-${verdict.value === 'false' ? 'past-limit' : verdict.value === 'true' ? 'within-limit' : 'all'}.csv`,
              ),
          },
          'Download this list (CSV)',
        ),
      ),
      status,
      h(
        'table',
        { class: 'grid', id: 'closed-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Facility', 'Booking and person', 'Custody ended', 'Time past the limit', 'Why'].map((t) => h('th', { scope: 'col' }, t)),
          ),
        ),
        body,
      ),
      more,
    );
  }

  return {
    async show() {
      fillFacilities($('#reports-facility'), await facilities.load().catch(() => []));
      if (!$('#reports-from').value) {
        const p = defaultPeriod(DateTime.now().toISODate());
        $('#reports-from').value = p.from;
        $('#reports-to').value = p.to;
      }
    },
    hide() {},
  };
}
