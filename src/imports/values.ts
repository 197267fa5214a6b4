/**
 * Reading one value of a record as a mapping says: a column or path, a constant, a template, a
 * value map, a default; a time in a zone and a format, with its precision. Pure.
 */
import { DateTime } from 'luxon';
import type { ConditionSpec, MapRule, TimeSpec, ValueSpec } from './mapping.js';
import type { SourceRecord } from './records.js';

/** A value that cannot be read as the mapping says: the booking's records are kept as a reject with this reason. */
export class ValueProblem extends Error {}

/** Something a reader of the import should know: a default used where the source had nothing, a day-precision time. */
export type Note = string;

const regexes = new Map<string, RegExp>();
export function regexOf(pattern: string): RegExp {
  let r = regexes.get(pattern);
  if (!r) {
    r = new RegExp(pattern, 'i');
    regexes.set(pattern, r);
  }
  return r;
}

function firstValues(record: SourceRecord, from: string | string[]): string[] {
  for (const path of Array.isArray(from) ? from : [from]) {
    const v = record.values(path);
    if (v.length) return v;
  }
  return [];
}

const sourceName = (from: string | string[]) => (Array.isArray(from) ? from.join(' | ') : from);

/** The rule of a value map that fits, with {value} replaced; undefined when none does. */
export function applyMap(rules: MapRule[], value: string): string | undefined {
  for (const rule of rules) {
    const fits = rule.equals !== undefined ? value === rule.equals : regexOf(rule.match!).test(value);
    if (fits) return rule.to.replaceAll('{value}', value);
  }
  return undefined;
}

const TEMPLATE_PART = /\{([^{}:]+)(?::(\d+))?\}/g;

/**
 * A value as the spec says, or undefined when the source has none and there is no default.
 * `field` names it in notes ("detainer.form").
 */
export function readValue(spec: ValueSpec | undefined, record: SourceRecord, field: string, notes: Note[]): string | undefined {
  if (spec === undefined) return undefined;
  const s = typeof spec === 'string' || Array.isArray(spec) ? { from: spec } : spec;
  let raw: string | undefined;
  if (s.value !== undefined) raw = s.value;
  else if (s.template !== undefined) {
    let missing = false;
    raw = s.template.replace(TEMPLATE_PART, (_, path: string, length?: string) => {
      const v = record.values(path.trim())[0];
      if (v === undefined) missing = true;
      return length ? (v ?? '').slice(0, Number(length)) : (v ?? '');
    });
    if (missing) raw = undefined;
  } else if (s.from !== undefined) raw = firstValues(record, s.from)[0];
  if (raw === undefined) {
    if (s.default !== undefined) {
      notes.push(`${field}: not in the source${s.from ? ` (${sourceName(s.from)} empty)` : ''}; the mapping's default "${s.default}" was used`);
      return s.default;
    }
    return undefined;
  }
  if (s.map) return applyMap(s.map, raw) ?? s.default ?? raw;
  return raw;
}

/** day: the source gave a date only. */
export type Precision = 'time' | 'day';
export interface ReadTime {
  /** ISO 8601 with the offset of the zone it was read in (or as the source gave it). */
  iso: string;
  ms: number;
  precision: Precision;
}

export interface TimeContext {
  timeZone: string;
  dateOnly: 'reject' | 'startOfDay';
  bookedAt?: ReadTime;
}

const DATE_ONLY_ISO = /^\d{4}-\d{2}-\d{2}$/;
const HAS_OFFSET = /(Z|[+-]\d{2}(:?\d{2})?)$/i;
/** A Luxon format's tokens outside quoted literals. */
const tokensOf = (format: string) => format.replace(/'[^']*'/g, '');

/** Luxon's parser of each format, built once: building it is most of what fromFormat costs. */
const parsers = new Map<string, ReturnType<typeof DateTime.buildFormatParser>>();
function fromFormat(value: string, format: string, zone: string): DateTime {
  let parser = parsers.get(format);
  if (!parser) {
    parser = DateTime.buildFormatParser(format);
    if (parsers.size < 1000) parsers.set(format, parser);
  }
  return DateTime.fromFormatParser(value, parser, { zone });
}

/** Parsed times, remembered: a charge-line export repeats the booking's times on every row. */
const parsed = new Map<string, ReadTime | string>();

function parseTime(value: string, formats: string[] | undefined, zone: string, dateOnly: 'reject' | 'startOfDay'): ReadTime | string {
  const key = `${zone}\u0000${dateOnly}\u0000${formats?.join('\u0001') ?? ''}\u0000${value}`;
  const known = parsed.get(key);
  if (known !== undefined) return known;
  const result = parseTimeUncached(value, formats, zone, dateOnly);
  if (parsed.size > 50_000) parsed.clear();
  parsed.set(key, result);
  return result;
}

function parseTimeUncached(value: string, formats: string[] | undefined, zone: string, dateOnly: 'reject' | 'startOfDay'): ReadTime | string {
  let dt: DateTime | null = null;
  let dayOnly = false;
  let usedFormat: string | null = null;
  if (!formats) {
    dayOnly = DATE_ONLY_ISO.test(value);
    const candidate = DateTime.fromISO(value, { zone, setZone: true });
    if (candidate.isValid) dt = candidate;
  } else {
    for (const format of formats) {
      const candidate = fromFormat(value, format, zone);
      if (candidate.isValid) {
        dt = candidate;
        usedFormat = format;
        dayOnly = !/[Hhk]/.test(tokensOf(format));
        break;
      }
    }
  }
  if (!dt) return `"${value}" is not a time in the format ${formats ? formats.map((f) => `"${f}"`).join(' or ') : 'ISO 8601'}`;
  // A local time the clocks skipped (spring forward) does not exist: Luxon would move it silently.
  if (!HAS_OFFSET.test(value) && !dayOnly) {
    const wall = usedFormat ? fromFormat(value, usedFormat, 'UTC') : DateTime.fromISO(value, { zone: 'UTC' });
    if (wall.hour !== dt.hour || wall.minute !== dt.minute) return `"${value}" does not exist in ${zone} (the clocks went forward over it)`;
  }
  if (dayOnly) {
    if (dateOnly === 'reject') return `"${value}" is a date without a time of day: the hour-level deadline cannot be judged from it (dateOnly: reject; see docs/imports.md, "Dates without a time")`;
    dt = dt.setZone(zone).startOf('day');
  }
  const ms = dt.toMillis();
  if (ms < Date.UTC(1900, 0, 1) || ms >= Date.UTC(2200, 0, 1)) return `"${value}" is outside 1900-2199`;
  return {
    iso: dt.toISO({ suppressMilliseconds: true })!,
    ms,
    precision: dayOnly ? 'day' : 'time',
  };
}

/**
 * A time as the spec says; undefined when the source has none (and no fallback).
 * A value that does not parse throws ValueProblem naming the field.
 */
export function readTime(spec: TimeSpec | undefined, record: SourceRecord, field: string, ctx: TimeContext, notes: Note[]): ReadTime | undefined {
  if (spec === undefined) return undefined;
  const s = typeof spec === 'string' || Array.isArray(spec) ? { from: spec } : spec;
  if (s.sameAs === 'bookedAt') return ctx.bookedAt;
  const value = s.from === undefined ? undefined : firstValues(record, s.from)[0];
  if (value === undefined) {
    if (s.fallback === 'bookedAt' && ctx.bookedAt) {
      notes.push(`${field}: not in the source${s.from ? ` (${sourceName(s.from)} empty)` : ''}; the booking time was used`);
      return ctx.bookedAt;
    }
    return undefined;
  }
  const formats = s.format === undefined ? undefined : Array.isArray(s.format) ? s.format : [s.format];
  const dateOnly = s.dateOnly ?? ctx.dateOnly;
  const t = parseTime(value, formats, s.timeZone ?? ctx.timeZone, dateOnly);
  if (typeof t === 'string') throw new ValueProblem(`${field} (${sourceName(s.from!)}): ${t}`);
  if (t.precision === 'day') notes.push(`${field}: a date without a time of day; the facility-local start of that day was used (dateOnly: startOfDay)`);
  return t;
}

export function holds(cond: ConditionSpec | undefined, record: SourceRecord): boolean {
  if (cond === undefined) return true;
  if ('all' in cond) return cond.all.every((c) => holds(c, record));
  if ('any' in cond) return cond.any.some((c) => holds(c, record));
  if ('not' in cond) return !holds(cond.not, record);
  if ('record' in cond) return record.kind === cond.record;
  const values = firstValues(record, cond.from);
  if (cond.present !== undefined) return values.length > 0 === cond.present;
  if (cond.equals !== undefined) return values.includes(cond.equals);
  if (cond.in !== undefined) return values.some((v) => cond.in!.includes(v));
  return values.some((v) => regexOf(cond.matches!).test(v));
}
