/**
 * A deliberately naive second implementation of the hold clock, for tests only: it
 * recognises holidays by brute-force predicates and counts deadlines minute by minute,
 * finding local dates with Intl instead of Luxon. Slow and obvious on purpose.
 */

const DAY_MS = 86_400_000;

function parts(iso: string) {
  const t = Date.parse(`${iso}T00:00:00Z`);
  const d = new Date(t);
  return { t, y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate(), dow: d.getUTCDay() };
}

/** Is this date one of the holidays on its own (unshifted) date? */
function isActualHoliday(iso: string): boolean {
  const { y, m, d, dow } = parts(iso);
  const MON = 1;
  const THU = 4;
  return (
    (m === 1 && d === 1) ||
    (y >= 1986 && m === 1 && dow === MON && d >= 15 && d <= 21) ||
    (m === 2 && dow === MON && d >= 15 && d <= 21) ||
    (m === 5 && dow === MON && d >= 25) ||
    (y >= 2021 && m === 6 && d === 19) ||
    (m === 7 && d === 4) ||
    (m === 9 && dow === MON && d <= 7) ||
    (m === 10 && dow === MON && d >= 8 && d <= 14) ||
    (m === 11 && d === 11) ||
    (m === 11 && dow === THU && d >= 22 && d <= 28) ||
    (m === 12 && d === 25)
  );
}

const isoOf = (t: number) => new Date(t).toISOString().slice(0, 10);

export function naiveIsObservedHoliday(iso: string): boolean {
  const { t, dow } = parts(iso);
  if (dow === 0 || dow === 6) return false;
  if (isActualHoliday(iso)) return true;
  if (dow === 5 && isActualHoliday(isoOf(t + DAY_MS))) return true; // Saturday holiday
  if (dow === 1 && isActualHoliday(isoOf(t - DAY_MS))) return true; // Sunday holiday
  return false;
}

export function naiveIsCountable(iso: string, extraHolidays: readonly string[]): boolean {
  const { dow } = parts(iso);
  return dow !== 0 && dow !== 6 && !naiveIsObservedHoliday(iso) && !extraHolidays.includes(iso);
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function localDate(ms: number, zone: string): string {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(zone, f);
  }
  return f.format(new Date(ms));
}

const MINUTE = 60_000;

/** Every zone used here has offsets in whole quarter hours, so the local date is constant per UTC quarter hour. */
function countableMinute(ms: number, zone: string, extra: readonly string[], cache: Map<number, boolean>): boolean {
  const key = Math.floor(ms / (15 * MINUTE));
  let v = cache.get(key);
  if (v === undefined) {
    v = naiveIsCountable(localDate(ms, zone), extra);
    cache.set(key, v);
  }
  return v;
}

/** Business-hours deadline, one minute at a time. `startMs` must be a whole minute. */
export function naiveBusinessDeadline(startMs: number, hours: number, zone: string, extra: readonly string[] = []): number {
  const target = hours * 60;
  if (target === 0) return startMs;
  const cache = new Map<number, boolean>();
  let counted = 0;
  for (let t = startMs; ; t += MINUTE) {
    if (countableMinute(t, zone, extra, cache) && ++counted === target) return t + MINUTE;
  }
}

/** Business minutes counted between two whole-minute instants. */
export function naiveBusinessMinutes(startMs: number, endMs: number, zone: string, extra: readonly string[] = []): number {
  const cache = new Map<number, boolean>();
  let counted = 0;
  for (let t = startMs; t < endMs; t += MINUTE) if (countableMinute(t, zone, extra, cache)) counted++;
  return counted;
}
