// Sign-in, the role's sections, and the stale-data banner. The key lives in this tab's sessionStorage only.
import { api, session, whenUnauthorized } from './api.js';
import { $ } from './dom.js';
import { createAlerts } from './alerts.js';
import { STALE_AFTER_MS, createBoard } from './board.js';
import { createDeadline } from './deadline.js';
import { createHistory } from './history.js';
import { createImport } from './import.js';
import { createRefused } from './refused.js';
import { createComplaints, createNotices } from './oversight.js';
import { createAdmin } from './admin.js';
import { createReports } from './reports.js';
import { createReviews } from './reviews.js';
import { deskZone, localClock, sweepWarning } from './format.js';

const SECTIONS = ['signin', 'board', 'alerts', 'deadline', 'reports', 'history', 'reviews', 'complaints', 'notices', 'refused', 'import', 'admin', 'none'];
let me = null; // { name, role } of the signed-in key

/** Facilities, loaded once per sign-in and shared by the sections. */
const facilities = {
  list: null,
  loadedAt: 0,
  /** At most once a minute, so a facility configured meanwhile appears without signing in again. */
  async load() {
    if (!this.list || Date.now() - this.loadedAt > 60_000) {
      this.list = (await api.get('/api/facilities')).items;
      this.loadedAt = Date.now();
    }
    return this.list;
  },
  byId(id) {
    return this.list?.find((f) => f.id === id);
  },
};

/** The banner that says the numbers on screen may be old: any poll failing, or none succeeding for a while. */
const stale = {
  lastOk: Date.now(),
  failures: new Map(),
  /** Sections on screen that poll: only they make silence suspicious. */
  watching: new Set(),
  watch(what, on) {
    if (on) {
      this.watching.add(what);
    } else {
      this.watching.delete(what);
      this.failures.delete(what);
    }
    this.show();
  },
  ok(what) {
    this.lastOk = Date.now();
    this.failures.delete(what);
    this.show();
  },
  failed(what, err) {
    if (err.status === 401) return; // sign-in takes over
    this.failures.set(what, err);
    this.show();
  },
  show() {
    const banner = $('#stale');
    const old = this.watching.size > 0 && Date.now() - this.lastOk > STALE_AFTER_MS;
    if (!me || (this.failures.size === 0 && !old)) {
      banner.hidden = true;
      return;
    }
    const err = [...this.failures.values()][0];
    const since = localClock(this.lastOk, deskZone());
    banner.textContent = `Data may be out of date: last updated at ${since}. ${err ? err.message : 'The server has not answered since.'} Countdowns keep running from the last figures.`;
    banner.hidden = false;
  },
};

/** Whether the signed-in key may open histories (a booking's or a person's timeline): rows and cards link to them then. */
const canOpenHistory = () => allowed('history');

const views = {
  board: createBoard({ facilities, stale, canOpenHistory }),
  alerts: createAlerts({ facilities, stale, onCount: showAlertCount, canOpenHistory }),
  deadline: createDeadline({ facilities }),
  reports: createReports({ facilities, canOpenHistory }),
  history: createHistory({ role: () => me?.role ?? null }),
  refused: createRefused(),
  import: createImport({ facilities }),
  reviews: createReviews({ facilities, canOpenHistory }),
  complaints: createComplaints({ facilities }),
  notices: createNotices(),
  admin: createAdmin({ facilities }),
};
let current = null;
let currentQuery = null; // the hash's part after "?": what the section opens (a booking's or a person's history)
let alertPoll = null;
let sweepPoll = null;

/** Whether the server's alert sweep is late (GET /api/health, no key): a banner while it is. */
async function checkSweep() {
  const banner = $('#sweep-late');
  try {
    const res = await fetch('/api/health', { cache: 'no-store' });
    const text = me ? sweepWarning(await res.json()) : null;
    if (banner.textContent !== (text ?? '')) banner.textContent = text ?? '';
    banner.hidden = text === null;
  } catch {
    /* the stale banner already says when the server does not answer */
  }
}

function showAlertCount(n) {
  const el = $('#alert-count');
  el.textContent = String(n);
  el.setAttribute('aria-label', `${n} open`);
  el.hidden = n === 0;
}

/** The section links, typed for the checker. */
const navLinks = () => /** @type {NodeListOf<HTMLAnchorElement>} */ (document.querySelectorAll('#nav a'));

function allowed(view) {
  const link = [...navLinks()].find((a) => a.dataset.view === view);
  return !!me && !!link && link.dataset.roles.split(' ').includes(me.role);
}

function route() {
  const [wanted, query = ''] = location.hash.slice(1).split('?');
  const first = ['board', 'alerts', 'deadline', 'reports', 'history', 'reviews', 'complaints', 'notices', 'refused', 'import', 'admin'].find(allowed);
  const view = !me ? 'signin' : allowed(wanted) ? wanted : (first ?? 'none');
  if (view === current) {
    if (query !== currentQuery) {
      currentQuery = query;
      views[view]?.open?.(new URLSearchParams(query));
    }
    return;
  }
  if (current && views[current]) views[current].hide();
  current = view;
  currentQuery = query;
  for (const s of SECTIONS) $(`#view-${s}`).hidden = s !== view;
  for (const a of navLinks()) {
    if (a.dataset.view === view) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (views[view]) views[view].show();
  if (views[view]?.open) views[view].open(new URLSearchParams(allowed(wanted) ? query : ''));
  document.title = `${$(`#view-${view} h1`).textContent} · Detainer Monitor`;
}

function signedIn(who) {
  me = who;
  facilities.list = null;
  $('#who-name').textContent = `${who.name} (${who.role})`;
  $('#none-role').textContent = who.role;
  $('#who').hidden = false;
  $('#nav').hidden = false;
  for (const a of navLinks()) a.hidden = !allowed(a.dataset.view);
  views.history.signedIn();
  if (allowed('alerts')) {
    views.alerts.refresh();
    alertPoll = setInterval(() => current !== 'alerts' && views.alerts.refresh(), 30_000);
  }
  checkSweep();
  sweepPoll = setInterval(checkSweep, 30_000);
  current = null;
  route();
  $('#main').focus();
}

function signOut() {
  session.clear();
  me = null;
  clearInterval(alertPoll);
  clearInterval(sweepPoll);
  $('#who').hidden = true;
  $('#nav').hidden = true;
  $('#stale').hidden = true;
  $('#sweep-late').hidden = true;
  route();
  $('#signin-key').focus();
}

$('#signin-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const key = $('#signin-key').value.trim();
  $('#signin-error').textContent = '';
  try {
    const who = await api.get('/api/session', { key });
    session.set(key);
    $('#signin-key').value = '';
    signedIn(who);
  } catch (err) {
    $('#signin-error').textContent = err.status === 401 ? 'That key is unknown, revoked or expired.' : err.message;
  }
});
$('#sign-out').addEventListener('click', signOut);
whenUnauthorized(() => {
  if (!me) return;
  signOut();
  $('#signin-error').textContent = 'Signed out: this key stopped working (revoked or expired). Sign in with a valid key.';
});
window.addEventListener('hashchange', route);
setInterval(() => stale.show(), 5_000);

// A reload in the same tab keeps the session.
if (session.key()) {
  api.get('/api/session').then(signedIn, () => signOut());
} else {
  route();
}
