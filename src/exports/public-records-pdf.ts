import { PdfReport } from '../reports/pdf-report.js';
import type { PublicRecords } from './exports.service.js';

/** The public-records export as a PDF, set in the shipped fonts: manifest, rules, counts, then one line per record. */
export function publicRecordsPdf(p: PublicRecords): Promise<Buffer> {
  // Every record of a period: pages written out as they fill (no page numbers), not kept in memory.
  const pdf = new PdfReport(p.manifest.title, { pageNumbers: false });
  const heading = (text: string) => pdf.heading(text);
  const line = (text: string, style: 'regular' | 'mono' = 'regular') => pdf.line(text, { size: 9, style });
  pdf.line(p.manifest.title, { size: 16, style: 'bold' });
  heading('Manifest');
  line(`Generated ${p.manifest.generatedAt}; ${p.manifest.records} custody records. Removed from every record: ${p.manifest.removed.join(', ')}.`);
  line(`Records (CSV) SHA-256: ${p.manifest.recordsSha256}`, 'mono');
  line(p.manifest.chainHead ? `Chain head: event ${p.manifest.chainHead.seq}, ${p.manifest.chainHead.chainHash}. Verify with ${p.manifest.verify}.` : 'The facility has no events yet.', 'mono');
  heading('Rules in force');
  for (const r of p.rulesInForce)
    line(`${r.effectiveFrom ?? 'Since always'}: ${r.policy}, ${r.holdHours} hours${r.preset ? `, preset ${r.preset}` : ''}${r.requireJudicialWarrant ? ', judicial warrant required' : ''}.`);
  heading('Complaints');
  line(
    `${p.complaints.received} received; by category ${Object.entries(p.complaints.byCategory)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}; findings ${Object.entries(p.complaints.byFinding)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}; acknowledged late ${p.complaints.acknowledgedLate}, closed late ${p.complaints.closedLate}.`,
  );
  heading('Notices to the person');
  line(
    Object.keys(p.notices.byKind).length === 0
      ? 'None due.'
      : Object.entries(p.notices.byKind)
          .map(([k, v]) => `${k}: ${v.due} due, ${v.servedOnTime} on time, ${v.servedLate} late, ${v.missingLate} missing`)
          .join('; '),
  );
  heading('Contacts with ICE');
  line(p.iceContacts.length === 0 ? 'None logged.' : p.iceContacts.map((c) => `${c.kind} (${c.allowed ? 'allowed' : 'not allowed'}): ${c.contacts}`).join('; '));
  heading('Custody records');
  line(p.columns.join(' | '), 'mono');
  for (const r of p.records) line(r.map((c) => (c === null ? '' : typeof c === 'string' ? c : typeof c === 'number' || typeof c === 'boolean' ? String(c) : JSON.stringify(c))).join(' | '), 'mono');
  return pdf.finish();
}
