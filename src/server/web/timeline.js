// The timeline of an episode: every request as a mark by page (rows, page 1 on top) and virtual time,
// coloured by status; waits as dashed lines before a request, retries of a page joined; the request
// budget as a bar under it. Hand-drawn SVG, scaled to its container (viewBox).
import { EVERY_TASK_STATUSES, STATUSES, fill, fmt, h, plural, s } from './dom.js';

const colour = (status) => STATUSES[status]?.colour ?? 'var(--muted)';
const M = { left: 44, right: 12, top: 10, bottom: 30 };

/** Timelines drawn, redrawn at their container's new width when the window is resized. */
const drawn = new Map();
let resizeTimer = null;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    for (const [el, redraw] of drawn) if (el.isConnected) redraw();
  }, 150);
});

/** Round tick steps (1, 2, 5 × 10^k) giving about `target` ticks over [0, max]. */
function ticks(max, target) {
  if (max <= 0) return [0];
  const raw = max / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((st) => st >= raw) ?? raw;
  const out = [];
  for (let v = 0; v <= max + 1e-9; v += step) out.push(Math.round(v * 1e6) / 1e6);
  return out;
}

/** What a request was, in words (the mark's tooltip and the replay's narration). */
export function describeRequest(r) {
  const wait = r.wait > 0 ? `after waiting ${fmt(r.wait)} s, ` : '';
  const what =
    r.status === 200
      ? `200, ${plural(r.rows, 'row')}`
      : r.status === 429
        ? `429 rate limited (retry after ${fmt(r.retryAfter)} s)`
        : `${r.status} ${STATUSES[r.status]?.name ?? 'error'}`;
  return `request ${r.n}: ${wait}page ${r.page} → ${what}, at ${fmt(r.t)} s`;
}

/**
 * Draws `requests` into `el`. `extent` ({ pages, seconds }) fixes the axes (a replay keeps the final ones
 * from the start); `budget` is the task's request budget; `latencyS` the time a request takes.
 */
export function drawTimeline(el, requests, opts = {}) {
  const { budget, latencyS = 0.1, extent } = opts;
  drawn.set(el, () => drawTimeline(el, requests, opts));
  // Drawn at the container's width, so that text keeps its size on a phone.
  const W = Math.max(300, Math.round(el.clientWidth || 800));
  const pages = Math.max(2, extent?.pages ?? 0, ...requests.map((r) => r.page ?? 1));
  const seconds = Math.max(1, extent?.seconds ?? 0, ...requests.map((r) => r.t)) * 1.03;
  const plotH = Math.min(340, Math.max(W < 500 ? 140 : 120, pages * 12));
  const H = M.top + plotH + M.bottom;
  const plotW = W - M.left - M.right;
  const x = (t) => M.left + (t / seconds) * plotW;
  const y = (p) => M.top + ((p - 1) / (pages - 1)) * plotH;
  const r = Math.max(2.2, Math.min(5, plotH / pages / 2.2));

  const svg = s('svg', {
    viewBox: `0 0 ${W} ${H}`,
    role: 'img',
    'aria-label': `Timeline: ${plural(requests.length, 'request')} over ${fmt(requests.at(-1)?.t ?? 0)} s of virtual time`,
  });
  const grid = s('g', { stroke: 'var(--line)', 'stroke-width': 1 });
  const labels = s('g', { fill: 'var(--muted)', 'font-size': 11 });
  for (const t of ticks(seconds, Math.max(3, Math.floor(W / 100)))) {
    grid.append(s('line', { x1: x(t), x2: x(t), y1: M.top, y2: M.top + plotH }));
    labels.append(s('text', { x: x(t), y: H - 12, 'text-anchor': 'middle' }, `${fmt(t)} s`));
  }
  const pageTicks = ticks(pages - 1, Math.min(8, pages - 1)).map((v) => v + 1);
  // The last page gets its own label, unless the tick before it is too close to read.
  if (pageTicks.at(-1) !== pages && y(pages) - y(pageTicks.at(-1)) >= 14) pageTicks.push(pages);
  for (const p of pageTicks) {
    grid.append(s('line', { x1: M.left, x2: W - M.right, y1: y(p), y2: y(p), 'stroke-dasharray': '2 4' }));
    labels.append(s('text', { x: M.left - 6, y: y(p) + 4, 'text-anchor': 'end' }, `p${p}`));
  }
  labels.append(s('text', { x: W - M.right, y: H - 1, 'text-anchor': 'end' }, 'virtual time →'));
  svg.append(grid, labels);

  const links = s('g', { 'stroke-width': 1.5, fill: 'none' });
  const marks = s('g');
  let prev = null;
  for (const q of requests) {
    const cy = y(q.page ?? 1);
    const start = q.t - latencyS;
    if (q.wait > 0)
      links.append(
        s('line', {
          x1: x(Math.max(0, start - q.wait)),
          x2: x(start),
          y1: cy,
          y2: cy,
          stroke: 'var(--warn)',
          'stroke-dasharray': '5 3',
        }),
      );
    if (prev !== null && prev.page === q.page && prev.status !== 200) {
      // A retry: an arc over the row, from the failed request to this one.
      const [x1, x2] = [x(prev.t), x(q.t)];
      const lift = Math.min(18, 6 + (x2 - x1) / 12);
      links.append(
        s('path', {
          d: `M${x1},${cy - r} Q${(x1 + x2) / 2},${cy - r - lift} ${x2},${cy - r}`,
          stroke: 'var(--muted)',
        }),
      );
    }
    const title = s('title', {}, describeRequest(q));
    const c = colour(q.status);
    marks.append(
      q.status === 402
        ? s('rect', { x: x(q.t) - r, y: cy - r, width: 2 * r, height: 2 * r, fill: c }, title)
        : s(
            'circle',
            {
              cx: x(q.t),
              cy,
              r,
              fill: q.status === 200 ? c : 'var(--card)',
              stroke: c,
              'stroke-width': q.status === 200 ? 0 : 2.2,
            },
            title,
          ),
    );
    prev = q;
  }
  svg.append(links, marks);

  // A Map keeps this order (an object would sort its numeric keys).
  const counts = new Map(EVERY_TASK_STATUSES.map((st) => [st, 0]));
  for (const q of requests) counts.set(q.status, (counts.get(q.status) ?? 0) + 1);
  // Every task's statuses, then any other status the episode met (401, 504, 410 on the tasks that have them).
  const legend = h(
    'div',
    { class: 'legend' },
    [...counts].map(([st, n]) =>
      h(
        'span',
        {},
        h('i', { style: `background:${colour(st)}` }),
        `${st} ${STATUSES[st]?.name ?? 'error'} (${n})`,
      ),
    ),
    h('span', {}, '- - wait before a request'),
    h('span', {}, '⌒ retry of a page'),
  );
  fill(el, svg, legend, budget === undefined ? null : budgetBar(requests, budget, counts));
}

/** The budget as a bar: requests used by status (402s are not counted), then what is left. */
function budgetBar(requests, budget, counts) {
  const spent = [...counts].filter(([st]) => st !== 402);
  const used = spent.reduce((sum, [, n]) => sum + n, 0);
  const pct = (n) => `${Math.min(100, (n / budget) * 100)}%`;
  return h(
    'div',
    { class: 'budget' },
    h(
      'div',
      { class: 'budget-bar', role: 'img', 'aria-label': `${used} of ${budget} requests used` },
      spent.map(([st, n]) => h('span', { style: `width:${pct(n)};background:${colour(st)}` })),
    ),
    h(
      'div',
      { class: 'hint' },
      `Budget: ${used} of ${budget} requests used, ${Math.max(0, budget - used)} left`,
    ),
  );
}
