/**
 * The Pierce County, WA records (../shared/data/pierce-county-immigration-holds.csv, read in
 * place: it is in CI beside the clone), imported with the shipped mapping, and read straight from
 * the rows for the hand checks. No event is made here: the mapping makes them.
 */
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { DateTime } from 'luxon';
import { parseMapping } from '../../src/imports/mapping.js';
import { runImport, type ImportSink, type ImportSummary } from '../../src/imports/runner.js';
import type { ImportEvent } from '../../src/imports/engine.js';

export const PIERCE_CSV = resolve(process.cwd(), '../shared/data/pierce-county-immigration-holds.csv');
export const piercePresent = existsSync(PIERCE_CSV);
export const PIERCE_FACILITY = {
  id: 'pierce-wa',
  body: { name: 'Pierce County Jail (replay)', timeZone: 'America/Los_Angeles', policy: 'federal-48-business-hours' as const },
};
export const pierceMapping = parseMapping(readFileSync('mappings/pierce-county.yaml', 'utf8'), 'mappings/pierce-county.yaml');

/** Import the file with the shipped mapping through `sink`, into `facilityId`. */
export function importPierce(sink: ImportSink, facilityId = PIERCE_FACILITY.id): Promise<ImportSummary> {
  return runImport(createReadStream(PIERCE_CSV), pierceMapping, sink, { facilityId, file: 'pierce.csv', now: '2026-11-24T12:00:00Z' });
}

/** The events the mapping makes of the file, in the order it sends them. */
export async function pierceEvents(facilityId = PIERCE_FACILITY.id): Promise<ImportEvent[]> {
  const events: ImportEvent[] = [];
  await importPierce({ knownEvents: async () => [], postEvents: async (b) => (events.push(...b), { accepted: b.length, duplicates: 0, rejected: [] }), keepRejects: async () => {} }, facilityId);
  return events;
}

interface Row {
  booking_id: string;
  booking_dt: string;
  release_dt: string;
  charge_desc: string;
  charge_release_dt: string;
  charge_release_disposition: string;
  final_release_disposition: string;
}

/** A booking as the hand checks read it: its times as instants, the hold's row, the local charges' releases. */
export interface HandBooking {
  bookingId: string;
  releasedAt: number;
  /** The latest local charge release (the booking time when the hold was the only charge). */
  eligibleAt: number;
  /** When the detainer was cancelled ("Cancel Detainer"), or null. */
  cancelledAt: number | null;
  toIce: boolean;
}

const pacific = (local: string) => DateTime.fromFormat(local, 'yyyy-MM-dd HH:mm:ss', { zone: 'America/Los_Angeles' }).toMillis();

export function handBookings(): HandBooking[] {
  const rows = parse<Row>(readFileSync(PIERCE_CSV, 'utf8'), { columns: true, skip_empty_lines: true, trim: true });
  const by = new Map<string, Row[]>();
  for (const r of rows) by.set(r.booking_id, [...(by.get(r.booking_id) ?? []), r]);
  return [...by].map(([bookingId, rs]) => {
    const hold = rs.find((r) => r.charge_desc === 'HOLD IMMIGRAT')!;
    const local = rs.filter((r) => r !== hold);
    return {
      bookingId,
      releasedAt: pacific(rs[0].release_dt),
      eligibleAt: local.length === 0 ? pacific(rs[0].booking_dt) : Math.max(...local.map((r) => pacific(r.charge_release_dt))),
      cancelledAt: hold.charge_release_disposition === 'Cancel Detainer' ? pacific(hold.charge_release_dt) : null,
      toIce: hold.final_release_disposition === 'Immigration',
    };
  });
}
