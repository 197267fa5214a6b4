import { codeWords as labels } from '../common/words.js';
import { hoursText as h, PdfReport } from './pdf-report.js';
import type { QuarterlyReport } from './quarterly.service.js';

type Bar = { label: string; now: number; before: number };

/**
 * The quarterly review as a PDF a sheriff can hand to a county board: the population and the
 * reconciliation stated first, each table as a bar chart (vector graphics: this quarter dark, the
 * one before light) with its figures, then the definition of every figure. Shipped fonts only.
 */
export function quarterlyPdf(r: QuarterlyReport): Promise<Buffer> {
  const title = `Quarterly statistical review, ${r.quarter} — ${r.facilityId === null ? 'all facilities' : (r.facilities[0]?.name ?? r.facilityId)}`;
  const pdf = new PdfReport(title);
  const heading = (text: string) => pdf.heading(text);
  const line = (text: string, size = 10, color = '#000') => pdf.line(text, { size, color });
  /** Two bars per group (this quarter dark, the one before light), with their figures. */
  const chart = (bars: Bar[]) =>
    pdf.bars(
      bars.map((b) => ({ label: b.label, values: [b.now, b.before], text: `${b.now}  (before: ${b.before})` })),
      ['#1f4e79', '#9dc3e6'],
      `Dark bars: ${r.quarter}; light bars: ${r.previous.quarter}.`,
    );

  pdf.line(title, { size: 17, style: 'bold' });
  line(`Generated ${r.generatedAt} by Detainer Monitor. Compared with ${r.previous.quarter}.`, 9, '#444');
  for (const f of r.facilities) line(`${f.name} (${f.facilityId}), ${f.timeZone}: ${f.from} to ${f.to} (local time).`, 9, '#444');

  heading('Who is counted');
  line(`${r.people} people in ${r.quarter} (${r.previous.people} in ${r.previous.quarter}): ${r.definitions.population}.`);
  const ok = Object.values(r.reconciles).every(Boolean);
  line(
    ok
      ? `The counts reconcile: every person is in exactly one outcome (the outcomes add up to ${r.people}), and every group table below adds up to ${r.people}.`
      : `WARNING: some group tables do not add up to ${r.people}: ${Object.entries(r.reconciles)
          .filter(([, v]) => !v)
          .map(([k]) => k)
          .join(', ')}.`,
    10,
    ok ? '#000' : '#b00020',
  );

  heading('Outcome (each person in exactly one)');
  chart(Object.entries(r.outcomes).map(([k, n]) => ({ label: labels(k), now: n, before: r.previous.outcomes[k as keyof typeof r.outcomes] })));
  heading('Most serious current charge and its disposition');
  chart(
    Object.entries(r.byCharge).flatMap(([level, d]) =>
      Object.entries(d).map(([disp, n]) => ({
        label: `${level}, ${labels(disp)}`,
        now: n,
        before: r.previous.byCharge[level as keyof typeof r.byCharge][disp as 'convicted'],
      })),
    ),
  );
  heading('Convicted, traffic or infraction only, victims and witnesses');
  chart([
    { label: 'convicted', now: r.conviction.convicted, before: r.previous.conviction.convicted },
    { label: 'charged only', now: r.conviction.chargedOnly, before: r.previous.conviction.chargedOnly },
    { label: 'traffic or infraction only', now: r.trafficOrInfractionOnly.yes, before: r.previous.trafficOrInfractionOnly.yes },
    { label: 'victim or witness', now: r.victimOrWitness.yes, before: r.previous.victimOrWitness.yes },
  ]);
  heading('Custody beyond eligibility');
  const b = r.beyondEligibility;
  const pb = r.previous.beyondEligibility;
  chart([
    { label: 'people, authorised', now: b.authorised.people, before: pb.authorised.people },
    { label: 'people, unauthorised', now: b.unauthorised.people, before: pb.unauthorised.people },
    { label: 'people, release processing', now: b.processing.people, before: pb.processing.people },
  ]);
  line(
    `Authorised: ${b.authorised.seconds} s in all, median ${h(b.authorised.medianSeconds)}, p90 ${h(b.authorised.p90Seconds)} (before: ${pb.authorised.seconds} s, median ${h(pb.authorised.medianSeconds)}, p90 ${h(pb.authorised.p90Seconds)}).`,
  );
  line(
    `Unauthorised: ${b.unauthorised.seconds} s in all, median ${h(b.unauthorised.medianSeconds)}, p90 ${h(b.unauthorised.p90Seconds)} (before: ${pb.unauthorised.seconds} s, median ${h(pb.unauthorised.medianSeconds)}, p90 ${h(pb.unauthorised.p90Seconds)}).`,
  );
  heading('People with a violation, by reason');
  line(`${b.peopleWithViolation} people with a violation (before: ${pb.peopleWithViolation}).`);
  chart(Object.entries(r.violationsByReason).map(([k, n]) => ({ label: labels(k), now: n, before: r.previous.violationsByReason[k] })));
  heading('Reviews, decisions, ICE contacts, complaints, notices');
  line(
    `Detainer reviews needed ${r.reviews.needed}, awaiting ${r.reviews.awaiting}, decided honour ${r.reviews.decidedHonour}, decided decline ${r.reviews.decidedDecline} (before: ${r.previous.reviews.needed}, ${r.previous.reviews.awaiting}, ${r.previous.reviews.decidedHonour}, ${r.previous.reviews.decidedDecline}).`,
  );
  line(
    `ICE contacts logged ${r.iceContacts.total}, of which not allowed by the disclosure rule ${r.iceContacts.disallowed} (before: ${r.previous.iceContacts.total}, ${r.previous.iceContacts.disallowed}).`,
  );
  const c = r.complaints;
  const pc = r.previous.complaints;
  line(`Complaints received ${c.received} (before: ${pc.received}); acknowledged late ${c.acknowledgedLate}, closed late ${c.closedLate} (before: ${pc.acknowledgedLate}, ${pc.closedLate}).`);
  chart(Object.entries(c.byCategory).map(([k, n]) => ({ label: labels(k), now: n, before: pc.byCategory[k] ?? 0 })));
  line(
    `Findings of closed complaints: ${Object.entries(c.byFinding)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}.`,
  );
  const n = r.notices;
  const pn = r.previous.notices;
  line(
    `Notices to the person due ${n.due}: served on time ${n.servedOnTime}, served late ${n.servedLate}, missing ${n.missing}, not yet due ${n.pending} (before: ${pn.due} due, ${pn.servedOnTime}, ${pn.servedLate}, ${pn.missing}, ${pn.pending}).`,
  );

  heading('Definitions');
  for (const [k, v] of Object.entries(r.definitions)) line(`${k}: ${v}.`, 9);

  return pdf.finish();
}
