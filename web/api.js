// The board's one way to the API: the key from this tab's session storage, JSON in and out, errors with their fields.

const KEY = 'detainer-monitor.key';

export const session = {
  key: () => sessionStorage.getItem(KEY),
  set: (key) => sessionStorage.setItem(KEY, key),
  clear: () => sessionStorage.removeItem(KEY),
};

export class ApiError extends Error {
  constructor(status, body) {
    const fields = (body?.errors ?? []).map((e) => `${e.field}: ${e.message}`).join('; ');
    super(fields || body?.message || (status === 0 ? 'The server is not answering.' : `HTTP ${status}`));
    this.status = status;
    this.body = body;
  }
}

/** Listeners told when the key stops working (401), so the page can go back to sign-in. */
const onUnauthorized = new Set();
export const whenUnauthorized = (fn) => onUnauthorized.add(fn);

/** @param {string} path @param {{ method?: string, body?: unknown, as?: 'json' | 'blob', key?: string }} [opts] */
async function call(path, { method = 'GET', body = undefined, as = 'json', key = session.key() } = {}) {
  let res;
  try {
    res = await fetch(path, {
      method,
      cache: 'no-store',
      headers: { Authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, null);
  }
  if (!res.ok) {
    const detail = await res.json().catch(() => null);
    if (res.status === 401) for (const fn of onUnauthorized) fn();
    throw new ApiError(res.status, detail);
  }
  return as === 'blob' ? res.blob() : res.json();
}

export const api = {
  get: (path, opts) => call(path, opts),
  post: (path, body) => call(path, { method: 'POST', body }),
  /** Send a file as it is (an export to import), JSON back. */
  async upload(path, file) {
    let res;
    try {
      res = await fetch(path, { method: 'POST', cache: 'no-store', headers: { Authorization: `Bearer ${session.key()}`, 'Content-Type': 'application/octet-stream' }, body: file });
    } catch {
      throw new ApiError(0, null);
    }
    if (!res.ok) {
      const detail = await res.json().catch(() => null);
      if (res.status === 401) for (const fn of onUnauthorized) fn();
      throw new ApiError(res.status, detail);
    }
    return res.json();
  },
  put: (path, body) => call(path, { method: 'PUT', body }),
  del: (path) => call(path, { method: 'DELETE' }),
  /** Every page of a cursor-paginated list, up to `max` items. */
  async all(path, max = 5000) {
    const items = [];
    let cursor = null;
    do {
      const page = await call(`${path}${path.includes('?') ? '&' : '?'}limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor && items.length < max);
    return items;
  },
  /** Fetch with the key and hand the file to the browser as a download (a plain link could not send the key). */
  async download(path, filename) {
    const blob = await call(path, { as: 'blob' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = filename;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  },
};

export const qs = (params) => new URLSearchParams(Object.entries(params).filter(([, v]) => v !== '' && v !== null && v !== undefined)).toString();
