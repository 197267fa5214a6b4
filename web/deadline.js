// A deadline worked out ahead: "if bail is posted at this time, when must the person be released?"
import { DateTime } from '/vendor/luxon/luxon.mjs';
import { api, qs } from './api.js';
import { $, fillFacilities, h, loadOnSubmit, replace } from './dom.js';
import { policyLabel, wallClock } from './format.js';

export function createDeadline({ facilities }) {
  const form = $('#deadline-form');
  const out = $('#deadline-out');
  const error = $('#deadline-error');

  loadOnSubmit(form, {
    out,
    error,
    waiting: 'Working it out…',
    async load() {
      const facilityId = $('#deadline-facility').value;
      const at = $('#deadline-at').value;
      // The time typed is the jail's clock, whatever the desk PC's zone is.
      const zone = facilities.byId(facilityId)?.timeZone;
      const start = at ? DateTime.fromISO(at, { zone }) : null;
      if (start && !start.isValid) {
        error.textContent = 'Eligible for release: must be a date and time';
        return null;
      }
      const warrant = $('#deadline-warrant').value;
      const params = { releaseEligibleAt: start?.toISO() ?? undefined, form: $('#deadline-form-kind').value, warrant: warrant || undefined };
      return render(await api.get(`/api/facilities/${encodeURIComponent(facilityId)}/deadline?${qs(params)}`));
    },
  });

  function render(d) {
    const name = facilities.byId(d.facilityId)?.name ?? d.facilityId;
    return [
      h('h2', {}, d.authorisesHold ? `Release by ${wallClock(d.deadlineLocal, d.timeZone)}` : `No hold: release at ${wallClock(d.deadlineLocal, d.timeZone)}`),
      h(
        'dl',
        { class: 'facts' },
        fact('Facility', `${name} (${d.timeZone})`),
        fact('Clock starts', wallClock(d.releaseEligibleLocal, d.timeZone)),
        fact('Rule', `${policyLabel(d.policy, d.holdHours)}${d.requireJudicialWarrant ? ', judicial warrant required' : ''}`),
        fact('Days not counted', d.excludedDays.length ? d.excludedDays.map((x) => `${x.date} (${x.reason})`).join(', ') : 'none'),
      ),
      h(
        'ul',
        { class: 'explain', id: 'deadline-explanation' },
        d.explanation.map((t) => h('li', {}, t)),
      ),
    ];
  }

  const fact = (k, v) => h('div', {}, h('dt', {}, k), h('dd', {}, v));

  /** The facility's skipped weekdays this year (its own calendar), under the rules in force now. */
  async function showCalendar() {
    const out = $('#deadline-calendar');
    const facilityId = $('#deadline-facility').value;
    if (!facilityId) return replace(out);
    try {
      const c = await api.get(`/api/facilities/${encodeURIComponent(facilityId)}/calendar`);
      replace(
        out,
        h('h2', {}, `Weekdays not counted in ${c.year}`),
        c.skipsThem ? null : h('p', { class: 'sub' }, `This facility's rule (${policyLabel(c.policy, c.holdHours)}) counts every hour: these days do not stop the clock.`),
        h(
          'table',
          { class: 'grid compact' },
          h('caption', { class: 'sr-only' }, `Weekdays of ${c.year} that a business-hours count skips`),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Date', 'Day', 'Why'].map((t) => h('th', { scope: 'col' }, t)),
            ),
          ),
          h(
            'tbody',
            {},
            c.days.map((d) => h('tr', {}, h('td', {}, d.date), h('td', {}, d.weekday), h('td', {}, d.reason))),
          ),
        ),
      );
    } catch (err) {
      replace(out, h('p', { class: 'error' }, err.message));
    }
  }
  $('#deadline-facility').addEventListener('change', showCalendar);

  return {
    async show() {
      try {
        fillFacilities($('#deadline-facility'), await facilities.load(), { all: false });
        await showCalendar();
      } catch (err) {
        error.textContent = err.message;
      }
    },
    hide() {},
  };
}
