// The compliance report of a facility and period: key figures, three charts, the CSV.
import { DateTime } from '/vendor/luxon/luxon.mjs';
import { api, qs } from './api.js';
import { $, fillFacilities, h, loadOnSubmit } from './dom.js';
import { barChart } from './charts.js';
import { defaultPeriod } from './format.js';

export function createReports({ facilities }) {
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

  /** The period as instants: local midnights in the facility's zone (UTC for all facilities). */
  function period() {
    const facilityId = $('#reports-facility').value;
    const zone = facilities.byId(facilityId)?.timeZone ?? 'UTC';
    const from = DateTime.fromISO($('#reports-from').value, { zone });
    const to = DateTime.fromISO($('#reports-to').value, { zone });
    if (!from.isValid || !to.isValid || to <= from) {
      error.textContent = 'to: must be a date after from';
      return null;
    }
    return { facilityId, from: from.toISO(), to: to.toISO() };
  }

  /** The report as page content. */
  function render(r, params) {
    const name = r.facilityId ? (facilities.byId(r.facilityId)?.name ?? r.facilityId) : 'All facilities';
    const figures = [
      ['Detainers received', r.detainersReceived],
      ['Holds started', r.holdsStarted],
      ['Closed within the deadline', r.holdsClosedCompliant],
      ['Closed past the deadline', r.holdsPastDeadline],
      ['Still running at the end', r.holdsRunningAtEnd],
      ['Honoured (transferred)', r.honoured],
      ['Detainers cancelled', r.cancelled],
      ['Total time past deadlines', `${Math.round((r.overageSeconds.total / 3600) * 10) / 10} h`],
    ];
    const levels = Object.keys(r.byChargeLevel); // most serious first, as the API lists them
    const bandLabel = (b) => (b.toHours === null ? `${b.fromHours} h +` : `${b.fromHours}–${b.toHours} h`);
    return [
      h('h2', {}, `${name}: ${params.from.slice(0, 10)} to ${params.to.slice(0, 10)}`),
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
          title: 'Holds per month',
          categories: r.monthly.map((m) => m.month),
          series: [
            { name: 'started', values: r.monthly.map((m) => m.holdsStarted), cls: 's1' },
            { name: 'closed in time', values: r.monthly.map((m) => m.holdsClosedCompliant), cls: 's2' },
            { name: 'closed past deadline', values: r.monthly.map((m) => m.holdsPastDeadline), cls: 's3' },
          ],
        }),
        barChart({
          id: 'chart-overage',
          title: 'How far past the deadline (holds closed late)',
          categories: r.overageDistribution.map(bandLabel),
          series: [{ name: 'holds', values: r.overageDistribution.map((b) => b.holds), cls: 's3' }],
        }),
        barChart({
          id: 'chart-charges',
          title: 'Outcomes by most serious charge',
          categories: levels,
          series: [
            { name: 'detainers', values: levels.map((l) => r.byChargeLevel[l].detainersReceived), cls: 's1' },
            { name: 'closed in time', values: levels.map((l) => r.byChargeLevel[l].holdsClosedCompliant), cls: 's2' },
            { name: 'past deadline', values: levels.map((l) => r.byChargeLevel[l].holdsPastDeadline), cls: 's3' },
            { name: 'honoured', values: levels.map((l) => r.byChargeLevel[l].honoured), cls: 's4' },
          ],
        }),
      ),
      h(
        'button',
        {
          type: 'button',
          id: 'reports-csv',
          onclick: () =>
            api
              .download(`/api/reports/compliance?${qs({ ...params, format: 'csv' })}`, `compliance-${r.facilityId ?? 'all'}-${params.from.slice(0, 10)}.csv`)
              .catch((e) => (error.textContent = e.message)),
        },
        'Download CSV',
      ),
    ];
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
