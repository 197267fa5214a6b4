// Setup (admin): API keys per role (the secret shown once), facilities and their dated rules (from a
// preset or not), and counsel's grants. Everything goes through the API as it is; its refusals are
// shown naming the field.
import { api } from './api.js';
import { $, h, replace } from './dom.js';
import { localClock, utcClock } from './format.js';

export function createAdmin({ facilities }) {
  const error = $('#admin-error');
  const status = $('#admin-status');
  let keys = [];

  /** Run a change; a refusal goes to `where` (the form's own message line), a success to the status line. */
  async function attempt(where, fn) {
    where.textContent = '';
    status.textContent = '';
    try {
      await fn();
    } catch (err) {
      where.textContent = err.message;
    }
  }

  // ---- keys
  const keyForm = /** @type {HTMLFormElement} */ ($('#admin-key-form'));
  const keyError = $('#admin-key-error');
  const secret = $('#admin-key-secret');
  keyForm.addEventListener('submit', (e) => {
    e.preventDefault();
    attempt(keyError, async () => {
      const data = new FormData(keyForm);
      const only = String(data.get('facilityIds') ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const body = { name: String(data.get('name') ?? ''), role: String(data.get('role') ?? ''), ...(only.length ? { facilityIds: only } : {}) };
      const made = await api.post('/api/keys', body);
      replace(secret, h('p', {}, h('strong', {}, `Key for ${made.name} (${made.role}), id ${made.shortId}: copy it now, it is shown only this once.`)), h('code', { id: 'admin-key-value' }, made.key));
      secret.hidden = false;
      keyForm.reset();
      await loadKeys();
    });
  });

  async function loadKeys() {
    keys = (await api.get('/api/keys')).items;
    replace(
      $('#admin-keys tbody'),
      keys.map((k) =>
        h(
          'tr',
          { 'data-key': k.shortId },
          h('td', {}, h('code', {}, k.shortId)),
          h('td', {}, k.name),
          h('td', {}, k.role),
          h('td', {}, k.facilityIds ? k.facilityIds.join(', ') : 'all'),
          h('td', {}, utcClock(k.createdAt)),
          h('td', {}, k.revokedAt ? `revoked ${utcClock(k.revokedAt)}` : k.expiresAt && Date.parse(k.expiresAt) <= Date.now() ? `expired ${utcClock(k.expiresAt)}` : 'active'),
          h(
            'td',
            {},
            k.revokedAt
              ? null
              : h(
                  'button',
                  {
                    type: 'button',
                    class: 'quiet',
                    onclick: () =>
                      attempt(error, async () => {
                        await api.del(`/api/keys/${k.id}`);
                        await loadKeys();
                        status.textContent = `Key ${k.shortId} (${k.name}) revoked: it stops working at once.`;
                      }),
                  },
                  `Revoke ${k.shortId}`,
                ),
          ),
        ),
      ),
    );
    const counsel = /** @type {HTMLSelectElement} */ ($('#admin-grant-key'));
    const chosen = counsel.value;
    replace(
      counsel,
      h('option', { value: '' }, 'Choose a counsel key'),
      keys.filter((k) => k.role === 'counsel' && !k.revokedAt).map((k) => h('option', { value: k.id }, `${k.name} (${k.shortId})`)),
    );
    counsel.value = [...counsel.options].some((o) => o.value === chosen) ? chosen : '';
  }

  // ---- facilities and their dated rules
  const facForm = /** @type {HTMLFormElement} */ ($('#admin-facility-form'));
  const facError = $('#admin-facility-error');
  const pick = /** @type {HTMLSelectElement} */ ($('#admin-facility-pick'));
  const field = (name) => /** @type {HTMLInputElement} */ (facForm.elements.namedItem(name));

  async function loadFacilities() {
    facilities.list = null;
    const list = await facilities.load();
    const chosen = pick.value;
    replace(
      pick,
      h('option', { value: '' }, 'New facility'),
      list.map((f) => h('option', { value: f.id }, `${f.name} (${f.id})`)),
    );
    pick.value = [...pick.options].some((o) => o.value === chosen) ? chosen : '';
    const grantFacility = /** @type {HTMLSelectElement} */ ($('#admin-grant-facility'));
    const g = grantFacility.value;
    replace(
      grantFacility,
      h('option', { value: '' }, 'Choose a facility'),
      list.map((f) => h('option', { value: f.id }, `${f.name} (${f.id})`)),
    );
    grantFacility.value = [...grantFacility.options].some((o) => o.value === g) ? g : '';
  }

  async function loadPresets() {
    const presets = (await api.get('/api/rule-presets')).items;
    replace(
      field('preset'),
      h('option', { value: '' }, 'none'),
      presets.map((p) => h('option', { value: p.id }, `${p.name} (${p.id})`)),
    );
  }

  /** The chosen facility in the form, and its dated rules below it (a new one: an empty form). */
  async function showFacility(id) {
    facError.textContent = '';
    field('id').readOnly = !!id;
    if (!id) {
      facForm.reset();
      replace($('#admin-rules'));
      return;
    }
    const f = await api.get(`/api/facilities/${encodeURIComponent(id)}`);
    field('id').value = f.id;
    field('name').value = f.name;
    field('timeZone').value = f.timeZone;
    field('preset').value = f.preset?.id ?? '';
    field('policy').value = f.preset ? '' : f.policy;
    field('holdHours').value = f.preset ? '' : String(f.holdHours);
    field('extraHolidays').value = f.extraHolidays.join(', ');
    field('rules').value = f.rules ? JSON.stringify(f.rules, null, 2) : '';
    field('effectiveFrom').value = '';
    replace(
      $('#admin-rules'),
      h('h3', {}, `Rules of ${f.name}, dated`),
      h(
        'table',
        { class: 'grid compact', id: 'admin-rules-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['In force from', 'Rule', 'Holidays not counted', 'Rule set'].map((t) => h('th', { scope: 'col' }, t)),
          ),
        ),
        h(
          'tbody',
          {},
          f.policyHistory.map((v) =>
            h(
              'tr',
              {},
              h('td', {}, v.effectiveFrom ? localClock(v.effectiveFrom, v.timeZone) : 'always'),
              h('td', {}, `${v.policy}, ${v.holdHours} h${v.requireJudicialWarrant ? ', judicial warrant' : ''}`),
              h('td', {}, v.extraHolidays.join(', ') || 'none'),
              h('td', {}, v.ruleSet ? 'yes' : 'none'),
            ),
          ),
        ),
      ),
    );
  }

  pick.addEventListener('change', () => attempt(facError, () => showFacility(pick.value)));
  facForm.addEventListener('submit', (e) => {
    e.preventDefault();
    attempt(facError, async () => {
      const id = field('id').value.trim();
      if (!id) throw new Error('id: is required (letters, digits, ".", "_" or "-")');
      let rules;
      if (field('rules').value.trim()) {
        try {
          rules = JSON.parse(field('rules').value);
        } catch (x) {
          throw new Error(`rules: not valid JSON (${x.message})`);
        }
      }
      const hours = field('holdHours').value.trim();
      const holidays = field('extraHolidays')
        .value.split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const body = {
        name: field('name').value,
        timeZone: field('timeZone').value.trim(),
        ...(field('preset').value ? { preset: field('preset').value } : {}),
        ...(field('policy').value ? { policy: field('policy').value } : {}),
        ...(hours ? { holdHours: Number(hours) } : {}),
        extraHolidays: holidays,
        ...(rules !== undefined ? { rules } : {}),
        ...(field('effectiveFrom').value.trim() ? { effectiveFrom: field('effectiveFrom').value.trim() } : {}),
      };
      const saved = await api.put(`/api/facilities/${encodeURIComponent(id)}`, body);
      await loadFacilities();
      pick.value = saved.id;
      await showFacility(saved.id);
      status.textContent = `Facility ${saved.name} (${saved.id}) saved.`;
    });
  });

  // ---- grants
  const grantForm = /** @type {HTMLFormElement} */ ($('#admin-grant-form'));
  const grantError = $('#admin-grant-error');
  grantForm.addEventListener('submit', (e) => {
    e.preventDefault();
    attempt(grantError, async () => {
      const data = new FormData(grantForm);
      const what = String(data.get('what'));
      const id = String(data.get('subject') ?? '').trim();
      const body = {
        apiKeyId: String(data.get('apiKeyId') ?? ''),
        facilityId: String(data.get('facilityId') ?? ''),
        ...(id ? { [what]: id } : {}),
        ...(data.get('expected') ? { expected: true } : {}),
      };
      if (!body.apiKeyId) throw new Error('apiKeyId: choose the counsel key to grant to');
      if (!body.facilityId) throw new Error('facilityId: choose the facility of the booking or person');
      if (!id) throw new Error(`${what}: is required`);
      await api.post('/api/grants', body);
      /** @type {HTMLInputElement} */ (grantForm.elements.namedItem('subject')).value = '';
      await loadGrants();
      status.textContent = `Granted ${what === 'bookingId' ? 'booking' : 'person'} ${id} at ${body.facilityId}.`;
    });
  });

  async function loadGrants() {
    const grants = (await api.get('/api/grants')).items;
    const keyName = (id) => keys.find((k) => k.id === id)?.name ?? id.slice(0, 8);
    replace(
      $('#admin-grants tbody'),
      grants.length === 0
        ? h('tr', {}, h('td', { colspan: 5 }, 'No grants yet.'))
        : grants.map((g) =>
            h(
              'tr',
              { 'data-grant': g.id },
              h('td', {}, keyName(g.apiKeyId)),
              h('td', {}, g.bookingId ? `booking ${g.bookingId}` : `person ${g.personId}`, ` at ${g.facilityId}`),
              h('td', {}, utcClock(g.createdAt)),
              h('td', {}, g.revokedAt ? `revoked ${utcClock(g.revokedAt)}` : 'active'),
              h(
                'td',
                {},
                g.revokedAt
                  ? null
                  : h(
                      'button',
                      {
                        type: 'button',
                        class: 'quiet',
                        onclick: () =>
                          attempt(error, async () => {
                            await api.del(`/api/grants/${g.id}`);
                            await loadGrants();
                            status.textContent = `Grant of ${g.bookingId ? `booking ${g.bookingId}` : `person ${g.personId}`} to ${keyName(g.apiKeyId)} revoked.`;
                          }),
                      },
                      'Revoke',
                    ),
              ),
            ),
          ),
    );
  }

  return {
    async show() {
      error.textContent = '';
      status.textContent = '';
      secret.hidden = true;
      replace(secret);
      try {
        await Promise.all([loadKeys(), loadFacilities(), loadPresets()]);
        await loadGrants();
      } catch (err) {
        error.textContent = err.message;
      }
    },
    hide() {
      secret.hidden = true;
      replace(secret); // the secret is not left on screen
    },
  };
}
