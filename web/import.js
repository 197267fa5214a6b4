// Import an export (admin): a CSV or XML file read with a mapping, previewed with nothing stored, then imported on confirmation.
import { api, qs } from './api.js';
import { $, fillFacilities, h, replace } from './dom.js';
import { utcClock } from './format.js';

export function createImport({ facilities }) {
  const form = $('#import-form');
  const out = $('#import-preview');
  const error = $('#import-error');
  const filesBody = $('#import-files tbody');
  /** The file previewed and what the server answered: what the confirmation sends again. */
  let previewed = null;

  function params() {
    const input = /** @type {HTMLInputElement} */ ($('#import-file'));
    const file = input.files?.[0];
    if (!file) throw new Error('file: choose the export to import');
    return { file, query: { mapping: $('#import-mapping').value, facilityId: $('#import-facility').value, file: file.name } };
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    previewed = null;
    try {
      const { file, query } = params();
      replace(out, h('p', { class: 'sub' }, `Reading ${file.name}…`));
      const answer = await api.upload(`/api/imports/preview?${qs(query)}`, file);
      previewed = { file, query, answer };
      replace(out, preview(answer));
    } catch (err) {
      replace(out);
      error.textContent = err.message;
    }
  });

  /** What importing the file would do, and the button that does it. */
  function preview(a) {
    const p = a.preview;
    const figures = [
      ['Records read', p.rowsRead],
      ['Bookings to import', p.bookingsImported],
      ['Bookings without a detainer (skipped)', p.bookingsSkipped],
      ['Detainers', p.detainers],
      ['Events', p.events],
      ['Retractions (corrected bookings)', p.retracted],
      ['Records kept as rejects', p.rejectedRows],
    ];
    const refused = p.refused !== null;
    return [
      h('h2', {}, `Preview: ${a.file} with ${a.mapping} into ${facilities.byId(a.facilityId)?.name ?? a.facilityId}`),
      h('p', { class: 'sub' }, 'Nothing has been stored yet.', ` ${a.bytes} bytes, SHA-256 ${a.sha256.slice(0, 16)}…`),
      refused ? h('p', { class: 'error', id: 'import-refused' }, `This file would be refused whole: ${p.refused}`) : null,
      h(
        'dl',
        { class: 'figures', id: 'import-figures' },
        figures.map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v))),
      ),
      Object.keys(p.eventsByType).length > 0
        ? h(
            'p',
            {},
            'Events by type: ',
            Object.entries(p.eventsByType)
              .map(([t, n]) => `${n} ${t}`)
              .join(', '),
          )
        : null,
      Object.keys(p.notes).length > 0
        ? h(
            'ul',
            { class: 'reasons', id: 'import-notes' },
            Object.entries(p.notes).map(([note, n]) => h('li', {}, `${note} (${n} booking${n === 1 ? '' : 's'})`)),
          )
        : null,
      p.retractions.length > 0
        ? h(
            'ul',
            { class: 'reasons' },
            p.retractions.map((r) => h('li', {}, `retracts ${r.eventId} (booking ${r.bookingId}): the file no longer gives it`)),
          )
        : null,
      p.rejects.length > 0 ? rejectsTable(p) : null,
      h('p', {}, h('button', { type: 'button', id: 'import-confirm', disabled: refused, onclick: confirm }, refused ? 'Cannot be imported' : `Import ${p.events} events`)),
      h('div', { id: 'import-result', 'aria-live': 'polite' }),
    ];
  }

  function rejectsTable(p) {
    return h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        { class: 'grid compact', id: 'import-rejects' },
        h(
          'caption',
          {},
          `Records that cannot be mapped: ${p.rejectedRows}${p.rejectedRows > p.rejects.length ? ` (the first ${p.rejects.length} shown)` : ''}. They are kept and listed, never dropped.`,
        ),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Line'), h('th', { scope: 'col' }, 'Why'), h('th', { scope: 'col' }, 'Content'))),
        h(
          'tbody',
          {},
          p.rejects.map((r) => h('tr', {}, h('td', {}, r.line), h('td', {}, r.reason), h('td', {}, h('code', {}, r.content)))),
        ),
      ),
    );
  }

  async function confirm(e) {
    const button = e.currentTarget;
    const result = $('#import-result');
    if (!previewed) return;
    button.disabled = true;
    error.textContent = '';
    try {
      const { file, query, answer } = previewed;
      const row = await api.upload(`/api/imports/uploads?${qs({ ...query, sha256: answer.sha256 })}`, file);
      replace(result, h('p', { class: row.status === 'imported' ? 'ok' : 'error' }, outcome(row)));
      previewed = null;
      await loadFiles();
    } catch (err) {
      button.disabled = false;
      error.textContent = err.message;
    }
  }

  function outcome(r) {
    const s = r.summary;
    if (r.status === 'imported') return `Imported: ${s.accepted} events accepted, ${s.duplicates} already there, ${s.retracted} retracted, ${s.rejectedRows} records kept as rejects.`;
    return `${r.status}: ${r.reason ?? ''}`;
  }

  /** The latest imports, from the watched folder and uploads. */
  async function loadFiles() {
    const page = await api.get('/api/imports/files?limit=20');
    replace(
      filesBody,
      page.items.length === 0
        ? h('tr', {}, h('td', { colspan: 5 }, 'Nothing imported yet.'))
        : page.items.map((r) =>
            h(
              'tr',
              {},
              h('td', {}, utcClock(r.startedAt)),
              h('td', {}, r.file, h('span', { class: 'sub' }, `${r.source}, ${r.mapping}`)),
              h('td', {}, r.facilityId ?? '—'),
              h('td', {}, r.status, r.reason ? h('span', { class: 'sub' }, r.reason) : null),
              h('td', {}, r.summary ? `${r.summary.accepted} accepted, ${r.summary.duplicates} duplicates, ${r.summary.rejectedRows} rejects` : '—'),
            ),
          ),
    );
  }

  async function show() {
    error.textContent = '';
    try {
      fillFacilities($('#import-facility'), await facilities.load(), { all: false });
      const mappings = (await api.get('/api/imports/mappings')).items;
      const select = $('#import-mapping');
      const current = select.value;
      replace(
        select,
        mappings.map((m) => h('option', { value: m.name }, `${m.name} (${m.format}${m.origin === 'IMPORT_DIR' ? ", this jail's" : ''})`)),
      );
      if (mappings.some((m) => m.name === current)) select.value = current;
      await loadFiles();
    } catch (err) {
      error.textContent = err.message;
    }
  }

  return { show, hide() {} };
}
