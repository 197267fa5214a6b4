// Pure formatting and classification for the board: no DOM, no imports, unit-tested in test/web-format.spec.ts.

const pad = (n) => String(n).padStart(2, '0');

/** Time past a limit, "2 h 05 min": whole minutes, rounded up (never less overage than there is). */
export const overage = (seconds) => hoursMinutes(Math.ceil(seconds / 60));
const hoursMinutes = (minutes) => `${Math.floor(minutes / 60)} h ${pad(minutes % 60)} min`;

/** A code as people read it: "limit_reached" → "limit reached". */
export const words = (code) => (code ?? '').replace(/_/g, ' ');

/** "3 h 05 min" left, or "0 h 12 min over": whole minutes, rounded to the side of caution. */
export function countdown(secondsLeft) {
  if (secondsLeft === null || secondsLeft === undefined) return 'clock not started';
  // Left: floor (never show more time than there is). Over: as overage (never less than there is).
  return secondsLeft < 0 ? `${overage(-secondsLeft)} over` : hoursMinutes(Math.floor(secondsLeft / 60));
}

/** Spoken form for screen readers: "3 hours 5 minutes left". */
export function countdownSpoken(secondsLeft) {
  if (secondsLeft === null || secondsLeft === undefined) return 'clock not started';
  const over = secondsLeft < 0;
  const minutes = over ? Math.ceil(-secondsLeft / 60) : Math.floor(secondsLeft / 60);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const text = `${h} hour${h === 1 ? '' : 's'} ${m} minute${m === 1 ? '' : 's'}`;
  return over ? `overdue by ${text}` : `${text} left`;
}

/**
 * safe | approaching | overdue | pending. Approaching starts at the facility's earliest alert
 * (its largest warnBeforeHours), so the board and the alerts agree.
 */
export function holdState(secondsLeft, warnBeforeHours) {
  if (secondsLeft === null || secondsLeft === undefined) return 'pending';
  if (secondsLeft <= 0) return 'overdue';
  const warn = Math.max(0, ...(warnBeforeHours ?? [12, 4, 1]));
  return secondsLeft <= warn * 3600 ? 'approaching' : 'safe';
}

export const STATE_LABELS = { overdue: 'Overdue', approaching: 'Approaching', safe: 'Safe', pending: 'Not started' };
export const STATE_ICONS = { overdue: '■', approaching: '▲', safe: '●', pending: '○' };

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** One formatter per zone (building one is the dear part, and the board formats every row every refresh). */
const clockFormats = new Map();
function clockFormat(zone) {
  const known = clockFormats.get(zone);
  if (known) return known;
  const made = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  });
  clockFormats.set(zone, made);
  return made;
}

/**
 * An instant in 24-hour local time with the zone named, the one format of the page and the API's
 * sentences (src/common/local-time.ts): "Tue 24 Nov 2026 12:00 CST". `zone`: an IANA zone (a
 * facility's; "UTC"; the desk's for what is about the server, see `deskZone`).
 */
export function localClock(instant, zone) {
  const ms = typeof instant === 'number' ? instant : Date.parse(instant ?? '');
  if (!Number.isFinite(ms)) return '—';
  const fmt = clockFormat(zone);
  const p = Object.fromEntries(fmt.formatToParts(ms).map((x) => [x.type, x.value]));
  return `${p.weekday} ${p.day} ${p.month} ${p.year} ${p.hour}:${p.minute} ${p.timeZoneName}`;
}

/** The zone of the computer the page runs on: for times about the server, not a jail. */
export const deskZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/**
 * A local ISO instant as the API gives it ("2026-11-09T15:00:00.000-06:00") in the jail's zone:
 * "Mon 9 Nov 2026 15:00 CST". Without the zone, the string's own offset names it ("UTC-06:00").
 */
export function wallClock(isoLocal, zone) {
  if (!isoLocal) return '—';
  if (zone) return localClock(isoLocal, zone);
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.exec(isoLocal);
  if (!m) return isoLocal;
  const [, y, mo, d, hh, mi, off] = m;
  const day = DAYS[new Date(Date.UTC(+y, +mo - 1, +d)).getUTCDay()];
  return `${day} ${+d} ${MONTHS[+mo - 1]} ${y} ${hh}:${mi} UTC${off === 'Z' ? '' : off}`;
}

/** A UTC instant as the API gives it ("2026-11-24T18:00:00.000Z") in the same format, in UTC: "Tue 24 Nov 2026 18:00 UTC". */
export function utcClock(isoUtc) {
  return isoUtc ? localClock(isoUtc, 'UTC') : '—';
}

/** Why a detainer authorises nothing (its first reason), in a few words for the board. */
export const AUTHORITY_REASONS = {
  notify_only_form: 'notification only',
  no_hold_policy: 'no-hold facility',
  form_not_authorized: 'form not accepted here',
  judicial_warrant_required: 'no judicial warrant',
  limit_reached: 'limit spent',
  cancelled: 'cancelled',
  rules_changed: 'rules changed',
  amended: 'amended',
  criteria_not_met: 'criteria not met',
  needs_review: 'awaiting a decision',
};
const WINDOW_ENDS = ['limit_reached', 'cancelled', 'rules_changed', 'amended'];

/**
 * What a detainer of a custody record authorises now, in words: "hold", "notify only", or "nothing"
 * with its first reason ("nothing (cancelled)"). `status` is the custody's: while it is overdue no
 * detainer holds, so a hold says why its authority ended.
 */
export function detainerAuthority(d, status) {
  const why = (reason) => (reason ? `nothing (${AUTHORITY_REASONS[reason] ?? reason.replaceAll('_', ' ')})` : 'nothing');
  if (d.cancelledAt) return why('cancelled');
  if (d.authority === 'notify_only') return 'notify only';
  if (d.authority !== 'hold') return why(d.reasons?.[0]);
  if (status === 'overdue') return why(d.reasons?.find((r) => WINDOW_ENDS.includes(r)));
  return 'hold';
}

/**
 * A facility's preset as the board shows it when any rule of it was not checked against the law's
 * text: a plain marker naming the unverified rules, and each one's reason. Null when verified or no preset.
 */
export function presetNotice(preset) {
  if (!preset || preset.verified) return null;
  const cites = preset.unverified.map((u) => u.split(': ')[0]);
  return { label: `Unverified rules (${preset.id}): ${cites.join('; ')}`, reasons: preset.unverified };
}

/** A detainer of a custody record in one line: "I-247A, administrative warrant: hold". */
export function detainerLine(d, status) {
  const warrant = d.warrant && d.warrant !== 'none' ? `, ${d.warrant} warrant` : '';
  return `${d.form}${warrant}: ${detainerAuthority(d, status)}`;
}

/**
 * The eligibility period a custody record not yet in one will start, or null: the first that has not
 * ended by `nowMs` (a pending record is in none now, so one not ended lies ahead).
 */
export function periodAhead(custody, nowMs) {
  if (custody.status !== 'pending') return null;
  return custody.eligibility?.find((p) => p.until === null || Date.parse(p.until) > nowMs) ?? null;
}

/** "6 people: 2 overdue, 1 approaching, 1 safe, 2 not started." */
export function boardSummary(people, counts) {
  return `${people} ${people === 1 ? 'person' : 'people'}: ${counts.overdue} overdue, ${counts.approaching} approaching, ${counts.safe} safe, ${counts.pending} not started.`;
}

/** Policies and forms in words. */
export const POLICY_LABELS = {
  'federal-48-business-hours': '48 business hours (8 CFR 287.7)',
  'calendar-48-hours': 'calendar hours',
  'no-hold': 'no holds',
};
export function policyLabel(policy, holdHours) {
  if (policy === 'federal-48-business-hours') return holdHours === 48 ? POLICY_LABELS[policy] : `${holdHours} business hours`;
  if (policy === 'calendar-48-hours') return `${holdHours} calendar hours`;
  return POLICY_LABELS[policy] ?? policy;
}

/** The default report period: the last twelve whole months before `today` ("YYYY-MM-DD"), plus the current month. */
export function defaultPeriod(today) {
  const [y, m] = today.split('-').map(Number);
  const from = `${y - 1}-${pad(m)}-01`;
  const toY = m === 12 ? y + 1 : y;
  const toM = m === 12 ? 1 : m + 1;
  return { from, to: `${toY}-${pad(toM)}-01` };
}

/**
 * What to tell staff when the server says due alerts wait unraised or its alert sweep is late
 * (GET /api/health), or null when neither: alerts and webhooks are then not going out, though the
 * board still counts down.
 * `since`: the desk's rendering of an instant (the banner is about the server, not a jail).
 */
export function sweepWarning(health, since = (iso) => localClock(iso, deskZone())) {
  const tail = 'Deadlines on the board are still right; watch them here and tell whoever runs the server.';
  const due = health?.alertsDue;
  if (due?.state === 'late') return `Alerts may be missing: an alert due since ${since(due.oldestDueAt)} has not been raised. ${tail}`;
  const sweep = health?.alertSweep;
  if (!sweep || sweep.state !== 'late') return null;
  const last = sweep.lastSucceededAt ? `has not run since ${since(sweep.lastSucceededAt)}` : 'has not run since the server started';
  return `Alerts may be missing: the server's alert sweep ${last}. ${tail}`;
}

/** Where a booking's history opens in the page: "#history?facilityId=e2e&bookingId=B%201". */
export function bookingHref(facilityId, bookingId) {
  return `#history?${new URLSearchParams({ facilityId, bookingId })}`;
}

/** Where a person's history across bookings opens in the page. */
export function personHref(facilityId, personId) {
  return `#history?${new URLSearchParams({ facilityId, personId })}`;
}

/**
 * Who a record is about, in one line, from what the API gave this reader: "Ana Example · person p1 ·
 * A-number A123456789", or "person p1" where no name was sent or the reader sees none.
 */
export function personLine(x) {
  return [x.personName, x.personId ? `person ${x.personId}` : null, x.aNumber ? `A-number ${x.aNumber}` : null].filter(Boolean).join(' · ');
}
