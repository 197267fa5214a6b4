import type { CustodyView } from '../custody/custody.dto.js';
import { localText } from '../common/local-time.js';
import { codeWords as words } from '../common/words.js';
import { hoursText as hours, PdfReport } from './pdf-report.js';
import type { ComplianceReport } from './reports.service.js';

const DARK = '#1f4e79';
const COLORS = [DARK, '#2e7d32', '#b00020', '#9dc3e6'];

/**
 * The compliance report as a PDF a sheriff can hand to a county board: who is counted and that the
 * tables add up, the key figures, charts (by month, by hours past the limit, by charge), the late
 * list (one row per person held past the limit, as the custody list gives it), and the definition
 * of every figure. `late` holds the first rows of the late list; `more` whether there are others.
 */
export function compliancePdf(r: ComplianceReport, names: Map<string, string>, late: CustodyView[], more: boolean): Promise<Buffer> {
  const scope = r.facilityId === null ? 'all facilities' : (names.get(r.facilityId) ?? r.facilityId);
  const period = r.periodKind === 'local-dates' ? `${r.from} to ${r.to} (exclusive)` : `${r.from} to ${r.to} (UTC, exclusive)`;
  const pdf = new PdfReport(`Compliance report, ${scope}, ${period}`);
  pdf.line(`Compliance report — ${scope}`, { size: 17, style: 'bold' });
  pdf.line(`Period ${period}. Generated ${r.generatedAt} by Detainer Monitor.`, { size: 9, color: '#444' });
  for (const p of r.periods) pdf.line(`${names.get(p.facilityId) ?? p.facilityId} (${p.facilityId}): ${p.fromLocal} to ${p.toLocal}, local time in ${p.timeZone}.`, { size: 9, color: '#444' });

  pdf.heading('Who is counted');
  pdf.line(`Detainers: ${r.definitions.detainers}.`);
  pdf.line(`People: ${r.definitions.people}.`);
  const failed = Object.entries(r.reconciles).filter(([, ok]) => !ok);
  pdf.line(
    failed.length === 0
      ? `The figures reconcile: the ${r.closed.total} people whose custody ended are each in exactly one outcome, and every table below adds up to its headline figure.`
      : `WARNING: these tables do not add up to their headline figure: ${failed.map(([k]) => k).join(', ')}.`,
    { color: failed.length === 0 ? '#000' : '#b00020' },
  );

  pdf.heading('Key figures');
  pdf.table(
    [
      { header: 'Figure', share: 0.7 },
      { header: 'Value', share: 0.3 },
    ],
    [
      ['Detainers received', String(r.detainersReceived)],
      ['Detainers honoured (custody transferred to the agency)', String(r.honoured)],
      ['Detainers cancelled', String(r.cancelled)],
      ['People whose custody first needed an authority', String(r.holdsStarted)],
      ['People whose custody ended', String(r.closed.total)],
      ['  within the limit', String(r.closed.withinLimit)],
      ['  past the limit (the late list below)', String(r.closed.pastLimit)],
      ['  without ever needing an authority', String(r.closed.withoutNeedingAuthority)],
      ['People still in custody at the end', String(r.holdsRunningAtEnd)],
      ['Time held past the limit, all people', hours(r.overageSeconds.total)],
      ['Time held past the limit, median / longest per person', `${hours(r.overageSeconds.median)} / ${hours(r.overageSeconds.max)}`],
    ],
    10,
  );

  if (r.monthly.length > 0) {
    pdf.heading('By month (local calendar)');
    pdf.bars(
      r.monthly.map((m) => ({
        label: m.month,
        values: [m.holdsStarted, m.holdsClosedCompliant, m.holdsPastDeadline],
        text: `${m.holdsStarted} / ${m.holdsClosedCompliant} / ${m.holdsPastDeadline}`,
      })),
      COLORS,
      'Bars per month, top to bottom: people whose custody needed an authority; ended within the limit; ended past the limit.',
    );
  }
  pdf.heading('Time past the limit (people whose custody ended past it)');
  pdf.bars(
    r.overageDistribution.map((b) => ({ label: b.toHours === null ? `${b.fromHours} h or more` : `${b.fromHours} to ${b.toHours} h`, values: [b.holds], text: String(b.holds) })),
    [COLORS[2]],
  );
  const reasons = Object.entries(r.custody.violationsByReason) as Array<[string, { people: number; seconds: number }]>;
  if (reasons.length > 0) {
    pdf.heading('Why custody had no authority');
    pdf.bars(
      reasons.map(([k, v]) => ({ label: words(k), values: [v.people], text: `${v.people} people, ${hours(v.seconds)}` })),
      [COLORS[2]],
    );
  }
  pdf.heading('By most serious charge');
  pdf.bars(
    Object.entries(r.byChargeLevel).map(([level, g]) => ({
      label: level,
      values: [g.detainersReceived, g.holdsClosedCompliant, g.holdsPastDeadline],
      text: `${g.detainersReceived} / ${g.holdsClosedCompliant} / ${g.holdsPastDeadline}`,
    })),
    COLORS,
    'Bars per charge level, top to bottom: detainers received; people whose custody ended within the limit; past the limit.',
  );

  pdf.heading(`Held past the limit: ${r.heldPastLimit.people} ${r.heldPastLimit.people === 1 ? 'person' : 'people'}`);
  if (late.length === 0) pdf.line('Nobody whose custody ended in the period was held past the limit.');
  else
    pdf.table(
      [
        { header: 'Facility', share: 0.14 },
        { header: 'Booking', share: 0.15 },
        { header: 'Person', share: 0.13 },
        { header: 'Custody ended (local)', share: 0.26 },
        { header: 'Past the limit', share: 0.12 },
        { header: 'Why', share: 0.2 },
      ],
      late.map((c) => [
        c.facilityId,
        c.bookingId,
        c.personName ?? c.personId ?? '',
        c.endedAt ? localText(Date.parse(c.endedAt), c.timeZone) : '',
        hours(c.unauthorizedSeconds),
        [...new Set(c.violations.map((v) => words(v.reason)))].join('; '),
      ]),
    );
  if (more) pdf.line(`The list is longer than fits here: download all of it as CSV (${r.heldPastLimit.list}&format=csv).`, { size: 9, color: '#444' });

  pdf.heading('Definitions');
  for (const [k, v] of Object.entries(r.definitions)) pdf.line(`${k}: ${v}.`, { size: 9 });
  pdf.heading('Rules that applied');
  for (const p of r.policies)
    pdf.line(
      `${p.facilityName} (${p.facilityId}), ${p.timeZone}, from ${p.effectiveFrom ?? 'the start'}: ${p.policy}, ${p.holdHours} hours${p.requireJudicialWarrant ? ', judicial warrant required' : ''}${p.extraHolidays?.length ? `, extra holidays ${p.extraHolidays.join(', ')}` : ''}.`,
      { size: 9 },
    );
  return pdf.finish();
}
