/**
 * The mapping file: how rows of a CSV export or documents of an XML export become contract
 * events. Read from YAML (JSON is YAML too) and checked with zod; every problem names its path in
 * the file ("booking.bookedAt.format: ..."). Pure: no I/O. docs/imports.md explains every key.
 */
import { IANAZone } from 'luxon';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** A problem with the mapping file itself: the import does not start. */
export class MappingError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`mapping ${file} is not usable:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const regex = z.string().refine((v) => {
  try {
    new RegExp(v, 'i');
    return true;
  } catch {
    return false;
  }
}, 'is not a valid regular expression');

/** Where a value comes from: a column name (CSV) or a path (XML); a list tries each in turn. */
const source = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/** One rule of a value map: the first rule that fits gives the value. */
const mapRule = z
  .strictObject({
    match: regex.optional(),
    equals: z.string().optional(),
    to: z.string(),
  })
  .refine((r) => (r.match === undefined) !== (r.equals === undefined), 'give exactly one of match or equals');

const valueObject = z
  .strictObject({
    from: source.optional(),
    value: z.string().optional(),
    template: z.string().optional(),
    map: z.array(mapRule).optional(),
    default: z.string().optional(),
  })
  .refine((v) => [v.from, v.value, v.template].filter((x) => x !== undefined).length <= 1, 'give at most one of from, value or template')
  .refine((v) => v.from !== undefined || v.value !== undefined || v.template !== undefined || v.default !== undefined, 'give from, value, template or default');

/** A value: a bare string (or list of alternatives) is `from`. */
export const valueSpec = z.union([z.string().min(1), z.array(z.string().min(1)).min(1), valueObject], {
  error: 'must be a column or path, a list of them, or { from | value | template, map, default }',
});

export const DATE_ONLY = ['reject', 'startOfDay'] as const;
const timeObject = z
  .strictObject({
    from: source.optional(),
    /** Luxon format tokens (yyyy-MM-dd HH:mm:ss); several are tried in order; none: ISO 8601. */
    format: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    /** Zone of local times without an offset; default: the mapping's timeZone. */
    timeZone: z.string().optional(),
    /** What a date without a time of day becomes; default: the mapping's dateOnly. */
    dateOnly: z.enum(DATE_ONLY).optional(),
    /** Another time of the booking, used as it is. */
    sameAs: z.literal('bookedAt').optional(),
    /** Used, and reported as an anomaly, when the source has no value (alone: the source never has one). */
    fallback: z.literal('bookedAt').optional(),
  })
  .refine(
    (t) => !(t.from !== undefined && t.sameAs !== undefined) && (t.from !== undefined || t.sameAs !== undefined || t.fallback !== undefined),
    'give from, sameAs, or fallback alone (the source has no such time)',
  );
/** A time: a bare string (or list of alternatives) is `from`. */
export const timeSpec = z.union([z.string().min(1), z.array(z.string().min(1)).min(1), timeObject], {
  error: 'must be a column or path, a list of them, or { from | sameAs | fallback, format, timeZone, dateOnly }',
});

type Condition =
  { from: string | string[]; equals?: string; matches?: string; present?: boolean; in?: string[] } | { all: Condition[] } | { any: Condition[] } | { not: Condition } | { record: string };
const fieldCondition = z
  .strictObject({
    from: source,
    equals: z.string().optional(),
    matches: regex.optional(),
    present: z.boolean().optional(),
    in: z.array(z.string()).optional(),
  })
  .refine((c) => [c.equals, c.matches, c.present, c.in].filter((x) => x !== undefined).length === 1, 'give exactly one of equals, matches, present or in');
export const condition: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    fieldCondition,
    z.strictObject({ all: z.array(condition).min(1) }),
    z.strictObject({ any: z.array(condition).min(1) }),
    z.strictObject({ not: condition }),
    z.strictObject({ record: z.string().min(1) }),
  ]),
);

const charges = z.strictObject({
  /** XML: the elements (path from the record) that are charges. CSV: each row of the booking. */
  each: z.string().optional(),
  /** XML: read charges only from these record elements; from others booking.opened carries none (so it does not replace them). */
  records: z.array(z.string().min(1)).optional(),
  when: condition.optional(),
  code: valueSpec.optional(),
  description: valueSpec.optional(),
  level: valueSpec,
  disposition: valueSpec.optional(),
  /** When this charge stopped holding the person (for releaseEligible.at: latestChargeRelease). */
  releasedAt: timeSpec.optional(),
});

const detainer = z.strictObject({
  /** XML: the elements that may be detainers (each is checked with `when`). CSV: each row. */
  each: z.string().optional(),
  when: condition,
  /** The matching row or element is the hold itself, not a local charge. */
  chargeLine: z.boolean().default(false),
  /** Only when no rule before this one found a detainer in the booking. */
  onlyIfNoneFound: z.boolean().default(false),
  id: valueSpec,
  form: valueSpec,
  agency: valueSpec.optional(),
  warrant: valueSpec.optional(),
  lodgedAt: timeSpec,
  cancelled: z.strictObject({ when: condition, at: timeSpec }).optional(),
  /** detainer.amended (accepted once the custody work lands). */
  amended: z.strictObject({ when: condition, at: timeSpec, form: valueSpec.optional(), warrant: valueSpec.optional() }).optional(),
});

const releaseEligible = z.strictObject({
  /** A time, or latestChargeRelease: the latest releasedAt of the local charges. */
  at: z.union([z.literal('latestChargeRelease'), timeSpec]),
  /** With latestChargeRelease, a booking with no local charge: this time (default: none sent). */
  ifNoCharges: timeSpec.optional(),
  /** Read on the charge that gave the time (latestChargeRelease), else on the booking's first record. */
  reason: valueSpec.optional(),
  /** Reason when ifNoCharges gave the time. */
  ifNoChargesReason: z.string().optional(),
  when: condition.optional(),
});

const custodyEnd = z.strictObject({
  at: timeSpec,
  /** The value the rules below are matched against. */
  disposition: valueSpec.optional(),
  /** Custody went to another agency: the first rule that fits names it ({value}: the disposition itself). */
  transferredTo: z.array(mapRule).default([]),
  when: condition.optional(),
});

const eligibilityEnded = z.strictObject({
  each: z.string().optional(),
  when: condition,
  at: timeSpec,
  reason: valueSpec,
  agency: valueSpec.optional(),
});

export const mappingSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  format: z.enum(['csv', 'xml']),
  csv: z
    .strictObject({
      delimiter: z.string().min(1).max(2).default(','),
      /** auto: a byte order mark decides, else UTF-8. latin1 is read as Windows-1252, its superset. */
      encoding: z.enum(['auto', 'utf-8', 'latin1', 'windows-1252', 'utf-16le', 'utf-16be']).default('auto'),
      quote: z.string().length(1).default('"'),
    })
    .default({ delimiter: ',', encoding: 'auto', quote: '"' }),
  xml: z
    .strictObject({
      /** Local names of the elements that are one record each (a booking's document). */
      records: z.array(z.string().min(1)).min(1),
    })
    .optional(),
  /** Facility the events go to; the CLI's --facility overrides it. */
  facility: z.string().min(1).max(128).optional(),
  /** IANA zone of local times that carry no offset. */
  timeZone: z.string().refine((z) => IANAZone.isValidZone(z) && z.includes('/'), 'must be an IANA region zone such as America/Chicago'),
  /** What a date without a time of day becomes: reject (kept as a reject), or startOfDay (facility-local midnight, reported). */
  dateOnly: z.enum(DATE_ONLY).default('reject'),
  /** Starts every event id, so an import's events can be told from other senders'. */
  idPrefix: z.string().regex(/^[A-Za-z0-9_.:-]{1,24}$/, 'must be 1-24 letters, digits or _ . : -'),
  /**
   * retract: a booking in a file is its whole current picture, so events an earlier import made
   * for it and this one does not are retracted. keep: each file adds to what is known (messages).
   */
  corrections: z.enum(['retract', 'keep']).default('retract'),
  /** A booking in which no detainer rule fits: skip (not sent; counted) or import (its booking events are sent). */
  withoutDetainer: z.enum(['skip', 'import']).default('skip'),
  /** Put the sender's own data in `extensions` (off until the server accepts it). */
  extensions: z.strictObject({ source: z.boolean().default(false), precision: z.boolean().default(false) }).default({ source: false, precision: false }),
  booking: z.strictObject({
    id: valueSpec,
    personId: valueSpec,
    person: z.strictObject({ name: valueSpec.optional(), dateOfBirth: valueSpec.optional(), aNumber: valueSpec.optional() }).optional(),
    bookedAt: timeSpec,
    charges: charges.optional(),
  }),
  detainers: z.array(detainer).min(1),
  releaseEligible: releaseEligible.optional(),
  custodyEnd: custodyEnd.optional(),
  /** booking.eligibility_ended (accepted once the custody work lands). */
  eligibilityEnded: z.array(eligibilityEnded).optional(),
});

export type Mapping = z.infer<typeof mappingSchema>;
export type ValueSpec = z.infer<typeof valueSpec>;
export type TimeSpec = z.infer<typeof timeSpec>;
export type ConditionSpec = Condition;
export type MapRule = z.infer<typeof mapRule>;

/** Parse and check a mapping; throws MappingError listing every problem with its path. */
export function parseMapping(text: string, file = 'mapping'): Mapping {
  let raw: unknown;
  try {
    raw = parseYaml(text, { maxAliasCount: 100 });
  } catch (e) {
    throw new MappingError(file, [`not YAML or JSON: ${(e as Error).message.split('\n')[0]}`]);
  }
  const r = mappingSchema.safeParse(raw);
  if (!r.success) {
    const at = (path: PropertyKey[]) => (path.length ? path.join('.') : '(top)');
    throw new MappingError(
      file,
      r.error.issues.flatMap((i) => (i.code === 'unrecognized_keys' ? i.keys.map((k) => `${at([...i.path, k])}: is not a known key`) : [`${at(i.path)}: ${i.message}`])),
    );
  }
  const m = r.data;
  const extra: string[] = [];
  if (m.format === 'xml' && !m.xml) extra.push('xml: is required when format is xml (xml.records names the record elements)');
  const eachUsed = [m.booking.charges?.each, ...m.detainers.map((d) => d.each), ...(m.eligibilityEnded ?? []).map((e) => e.each)].some((e) => e !== undefined);
  if (m.format === 'csv' && eachUsed) extra.push('each: is for XML only (in a CSV every row of a booking is checked)');
  m.detainers.forEach((d, i) => {
    if (d.chargeLine && m.format === 'xml') extra.push(`detainers.${i}.chargeLine: is for CSV charge lines only`);
  });
  if (m.releaseEligible?.at === 'latestChargeRelease' && !m.booking.charges?.releasedAt) {
    extra.push('releaseEligible.at: latestChargeRelease needs booking.charges.releasedAt');
  }
  if (extra.length) throw new MappingError(file, extra);
  return m;
}
