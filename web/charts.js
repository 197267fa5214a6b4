// Bar charts as plain SVG, each with a text summary for screen readers and its numbers in a table beside it.
import { h, s } from './dom.js';

/**
 * Grouped bars: one group per category, one bar per series.
 * series: [{ name, values: number[], cls }]. Returns a <figure>.
 */
export function barChart({ title, categories, series, id }) {
  const W = 640;
  const H = 240;
  const pad = { l: 40, r: 10, t: 10, b: 50 };
  const max = Math.max(1, ...series.flatMap((x) => x.values));
  const step = niceStep(max);
  const top = Math.ceil(max / step) * step;
  const groupW = (W - pad.l - pad.r) / Math.max(1, categories.length);
  const barW = Math.max(2, Math.min(28, (groupW * 0.8) / series.length));
  const y = (v) => pad.t + (H - pad.t - pad.b) * (1 - v / top);
  const summary = `${title}. ` + categories.map((c, i) => `${c}: ${series.map((x) => `${x.values[i]} ${x.name}`).join(', ')}`).join('; ') + '.';
  const ticks = [];
  for (let v = 0; v <= top; v += step) ticks.push(v);
  const svg = s(
    'svg',
    { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': summary, class: 'chart', id },
    s('title', {}, title),
    ticks.map((v) => [s('line', { x1: pad.l, x2: W - pad.r, y1: y(v), y2: y(v), class: 'gridline' }), s('text', { x: pad.l - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'tick' }, v)]),
    categories.map((c, i) => {
      const gx = pad.l + i * groupW + (groupW - barW * series.length) / 2;
      return [
        series.map((x, j) =>
          s('rect', { x: gx + j * barW, y: y(x.values[i]), width: barW - 1, height: Math.max(0, y(0) - y(x.values[i])), class: `bar ${x.cls}` }, s('title', {}, `${c}, ${x.name}: ${x.values[i]}`)),
        ),
        s('text', { x: pad.l + i * groupW + groupW / 2, y: H - pad.b + 16, 'text-anchor': 'middle', class: 'tick' }, c),
      ];
    }),
  );
  const legend = h(
    'ul',
    { class: 'chart-legend' },
    series.map((x) => h('li', {}, h('span', { class: `swatch ${x.cls}`, 'aria-hidden': 'true' }), x.name)),
  );
  const table = h(
    'details',
    {},
    h('summary', {}, 'Numbers'),
    h(
      'table',
      { class: 'grid compact' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, ''),
          series.map((x) => h('th', { scope: 'col' }, x.name)),
        ),
      ),
      h(
        'tbody',
        {},
        categories.map((c, i) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, c),
            series.map((x) => h('td', {}, x.values[i])),
          ),
        ),
      ),
    ),
  );
  return h('figure', { class: 'chart-box' }, h('figcaption', {}, title), svg, legend, table);
}

function niceStep(max) {
  const raw = max / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * mag >= raw) return Math.max(1, m * mag);
  return Math.max(1, 10 * mag);
}
