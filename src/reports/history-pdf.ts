import type { CustodyView } from '../custody/custody.dto.js';
import { localText } from '../common/local-time.js';
import { clause, codeWords } from '../common/words.js';
import type { BookingHistory } from './history.service.js';
import type { PdfStyle } from './pdf-fonts.js';
import { PdfReport } from './pdf-report.js';

const STATUS: Record<CustodyView['status'], string> = {
  pending: 'pending (the person is not release-eligible now)',
  running: 'running (custody is authorised now)',
  overdue: 'overdue (the person is held now without authority)',
  closed: 'closed (custody has ended)',
};

/** The custody record's lines: its status and verdict, then its explanation, then the violations' seconds and totals. */
export function custodyLines(c: CustodyView): string[] {
  const t = (iso: string) => localText(Date.parse(iso), c.timeZone);
  const verdict = c.compliant === null ? '' : c.compliant ? '; verdict: compliant' : `; verdict: not compliant, ${c.overageSeconds} seconds without authority`;
  const lines = [
    `Custody status ${STATUS[c.status]}${verdict}${c.authorizedUntil && c.status !== 'closed' ? `; authorised until ${t(c.authorizedUntil)}` : ''}. Times are 24-hour local times in ${c.timeZone}.`,
  ];
  lines.push(...c.explanation);
  c.violations.forEach((v, i) => lines.push(`Violation ${i + 1}: from ${t(v.from)} ${v.until ? `to ${t(v.until)}` : 'and still going on'}, ${v.seconds} seconds, reason ${v.reason}.`));
  lines.push(
    `In all: ${c.unauthorizedSeconds} seconds of custody without authority, ${c.processingSeconds} seconds of release processing${c.anomalies.length ? `, ${c.anomalies.length} note${c.anomalies.length === 1 ? '' : 's'} on the facts` : ''}.`,
  );
  if (c.rejudged) {
    const before = c.rejudged.compliant === null ? 'not yet decided' : c.rejudged.compliant ? 'compliant' : `not compliant, ${c.rejudged.overageSeconds ?? 0} seconds without authority`;
    lines.push(`Judged again after custody ended, under a rule version recorded ${t(c.rejudged.recordedAt)}: the verdict before was ${before}.`);
  }
  return lines;
}

/**
 * The release-date rule now, then each contact with ICE logged against the record: when, what,
 * who recorded it, and whether the rule allowed it when it was recorded.
 */
export function contactLines(c: CustodyView, contacts: BookingHistory['contacts']): string[] {
  const t = (iso: string) => localText(Date.parse(iso), c.timeZone);
  const lines = [`Telling ICE the release date is ${c.disclosure.allowed ? 'allowed' : 'not allowed'} now: ${clause(c.disclosure.basis)}.`];
  if (contacts.length === 0) lines.push('No contact with ICE is logged for this custody record.');
  for (const k of contacts) {
    const rule = k.allowed ? 'allowed by the rules when recorded' : `FLAGGED: not allowed by the rules when recorded (${clause(k.basis)})`;
    lines.push(`${t(k.at)}: ${codeWords(k.kind)}, recorded ${t(k.recordedAt)} by ${k.recordedBy}; ${rule}.${k.note ? ` Note: ${k.note}` : ''}`);
  }
  return lines;
}

/**
 * A printable hold history: the booking, its custody record explained in sentences, the
 * release-date rule and the contacts with ICE, each hold explained in words, every event as received with its hashes, page numbers on every page.
 * Set in the fonts shipped in fonts/ (pdf-fonts.ts), so names in other scripts print.
 */
export function historyPdf(histories: BookingHistory[], title: string): Promise<Buffer> {
  const pdf = new PdfReport(title);
  const heading = (text: string, size = 13) => pdf.heading(text, size);
  const line = (text: string, opts: { size?: number; color?: string; style?: PdfStyle } = {}) => pdf.line(text, opts);

  pdf.line(title, { size: 18, style: 'bold' });
  line(`Generated ${histories[0]?.generatedAt ?? ''} by Detainer Monitor. Times are shown in the facility's local time with UTC in parentheses.`, { size: 9, color: '#444' });

  for (const h of histories) {
    heading(`${h.facility.name} — booking ${h.booking.bookingId}`, 15);
    // The name as this reader's role may see it (personal-data.ts), as the JSON history shows it.
    const name = h.booking.personName;
    line(`Facility ${h.facility.id}, time zone ${h.facility.timeZone}. Person ${h.booking.personId ?? 'unknown'}${name ? `, named ${name}` : ''}.`);
    line(
      `Booked ${h.booking.bookedLocal ?? 'unknown'}; release-eligible ${h.booking.releaseEligibleLocal ?? 'not recorded'}; left custody ${h.booking.custodyEndedLocal ?? 'still in custody'}${h.booking.toAgency ? ` (to ${h.booking.toAgency})` : ''}.`,
    );
    heading('Custody');
    if (h.custody === null) line('This booking has no detainer, so there is no custody record to judge.');
    else {
      for (const s of custodyLines(h.custody)) line(s);
      heading('Release date and contacts with ICE');
      for (const s of contactLines(h.custody, h.contacts)) line(s);
    }
    for (const hold of h.holds) {
      heading(`Detainer ${hold.detainerId}: ${hold.status}${hold.compliant === false ? ', past the deadline' : hold.compliant ? ', within the limit' : ''}`);
      for (const s of hold.explanation.sentences) line(s);
    }
    heading('Events as received');
    for (const e of h.events) {
      line(`${e.occurredLocal}  ${e.type}  (${e.eventId})${e.retractedBy ? `  — retracted by ${e.retractedBy}` : ''}${e.noEffect ? `  — no effect: ${e.noEffect}` : ''}`, { style: 'bold', size: 9 });
      line(`received ${e.receivedAt}; sent as: ${JSON.stringify(e.event)}`, { size: 8, color: '#333' });
      line(`content SHA-256 ${e.contentHash}; chain ${e.chainHash ?? 'none'} (previous ${e.prevHash ?? 'none'})`, { size: 7, color: '#555', style: 'mono' });
    }
    line(h.verification.chain, { size: 8, color: '#444' });
  }

  return pdf.finish();
}
