// A tiny element builder. Text always goes in as text nodes: nothing a jail sent is ever parsed as HTML.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElementNS(tag === 'svg' || attrs.svg ? 'http://www.w3.org/2000/svg' : 'http://www.w3.org/1999/xhtml', tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false || k === 'svg') continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.setAttribute('class', v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

/** SVG children: s('rect', {...}). */
export const s = (tag, attrs = {}, ...children) => h(tag, { ...attrs, svg: true }, ...children);

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export const $ = (sel, root = document) => root.querySelector(sel);

export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

/** Fill a <select> with facilities; `all` adds an "All facilities" choice. Keeps the current choice. */
export function fillFacilities(select, facilities, { all = true } = {}) {
  const current = select.value;
  replace(
    select,
    all ? h('option', { value: '' }, 'All facilities') : null,
    facilities.map((f) => h('option', { value: f.id }, `${f.name} (${f.id})`)),
  );
  if ([...select.options].some((o) => o.value === current)) select.value = current;
}

/**
 * A form that loads something into `out`: shows `waiting` meanwhile, puts failures in `error`.
 * `load` returns the content to show, or null to show nothing (the form's own check failed).
 */
export function loadOnSubmit(form, { out, error, waiting, load }) {
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    try {
      replace(out, h('p', { class: 'sub' }, waiting));
      replace(out, await load()); // null: nothing (append skips it)
    } catch (err) {
      replace(out);
      error.textContent = err.message;
    }
  });
}
