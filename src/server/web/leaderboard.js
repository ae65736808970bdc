// The leaderboard (GET /api/leaderboard) as a sortable table; each agent opens onto its tasks.
import { fill, fmt, h } from './dom.js';
import { DIMENSION_NAMES } from './score.js';

const SHORT = {
  correctness: 'corr',
  completeness: 'compl',
  robustness: 'robust',
  efficiency: 'effic',
  data_quality: 'dq',
  observability: 'obs',
};
const pct = (x) => `${fmt(x * 100, 0)} %`;
const interval = (ci) => `${fmt(ci[0], 1)}–${fmt(ci[1], 1)}`;

/** Sortable columns: a key, a header, a cell and how to compare. */
const COLUMNS = [
  { key: 'rank', head: '#', num: true, value: (e) => e.rank },
  { key: 'agent_label', head: 'Agent', value: (e) => e.agent_label },
  { key: 'profile', head: 'Profile', value: (e) => e.profile },
  { key: 'episodes', head: 'Episodes', num: true, value: (e) => e.episodes },
  { key: 'tasks', head: 'Tasks', num: true, value: (e) => e.tasks },
  { key: 'mean', head: 'Mean', num: true, value: (e) => e.mean, cell: (e) => fmt(e.mean, 1) },
  { key: 'ci95', head: '95 % CI', num: true, value: (e) => e.ci95[0], cell: (e) => interval(e.ci95) },
  {
    key: 'success_rate',
    head: '≥ 95',
    num: true,
    value: (e) => e.success_rate,
    cell: (e) => pct(e.success_rate),
  },
  ...Object.keys(SHORT).map((d) => ({
    key: d,
    head: SHORT[d],
    title: DIMENSION_NAMES[d],
    num: true,
    value: (e) => e.dimensions[d],
    cell: (e) => fmt(e.dimensions[d], 1),
  })),
];

export class LeaderboardTable {
  constructor(el, note) {
    this.el = el;
    this.note = note;
    this.doc = null;
    this.profile = '';
    this.sort = { key: 'rank', dir: 1 };
    this.open = new Set();
    /** What had the keyboard focus before a re-render (a sort button or an agent's toggle), to give it back. */
    this.focus = null;
  }

  show(doc) {
    this.doc = doc;
    this.render();
  }

  filter(profile) {
    this.profile = profile;
    this.render();
  }

  render() {
    const doc = this.doc;
    if (doc === null) return;
    const entries = doc.entries.filter((e) => this.profile === '' || e.profile === this.profile);
    const col = COLUMNS.find((c) => c.key === this.sort.key) ?? COLUMNS[0];
    const sorted = [...entries].sort((a, b) => {
      const [x, y] = [col.value(a), col.value(b)];
      const c = typeof x === 'number' ? x - y : String(x).localeCompare(String(y));
      return (c || a.profile.localeCompare(b.profile) || a.rank - b.rank) * this.sort.dir;
    });
    fill(
      this.note,
      `Benchmark ${doc.benchmark_version}, judge ${doc.judge_version}: results of other versions are never mixed in` +
        (doc.other_versions > 0 ? ` (${fmt(doc.other_versions)} kept aside)` : '') +
        `. Interval: ${fmt(doc.bootstrap.resamples)} bootstrap resamples of (task, seed) cells.` +
        (doc.pending > 0 ? ` Updating ${doc.pending} agent(s)…` : ''),
    );
    if (sorted.length === 0) {
      fill(
        this.el,
        h(
          'p',
          { class: 'muted' },
          'No ranked agent yet. Give your episodes an agent_label at reset (the name field above, ',
          h('code', {}, '--agent-label'),
          ' with comtradebench eval --url, or ',
          h('code', {}, 'agent_label'),
          ' in a reset) and they appear here once they end.',
        ),
      );
      return;
    }
    const head = h(
      'tr',
      {},
      COLUMNS.map((c) =>
        h(
          'th',
          {
            class: c.num ? 'num' : null,
            scope: 'col',
            'aria-sort': this.sort.key === c.key ? (this.sort.dir > 0 ? 'ascending' : 'descending') : null,
          },
          h(
            'button',
            {
              type: 'button',
              class: 'sort',
              title: c.title ?? null,
              'data-focus': `sort:${c.key}`,
              onclick: () => this.sortBy(c),
            },
            c.head,
          ),
        ),
      ),
    );
    const body = [];
    for (const e of sorted) {
      const id = `${e.profile}/${e.agent_label}`;
      const isOpen = this.open.has(id);
      body.push(
        h(
          'tr',
          { 'data-agent': e.agent_label },
          COLUMNS.map((c) =>
            c.key === 'agent_label'
              ? h(
                  'td',
                  {},
                  h(
                    'button',
                    {
                      type: 'button',
                      class: 'expand',
                      'aria-expanded': String(isOpen),
                      'data-focus': `open:${id}`,
                      onclick: () => this.toggle(id),
                    },
                    `${isOpen ? '▾' : '▸'} ${e.agent_label}`,
                  ),
                )
              : h('td', { class: c.num ? 'num' : null }, c.cell ? c.cell(e) : String(c.value(e))),
          ),
        ),
      );
      if (isOpen) body.push(h('tr', { class: 'drill' }, h('td', { colspan: COLUMNS.length }, taskTable(e))));
    }
    fill(this.el, h('table', { class: 'board' }, h('thead', {}, head), h('tbody', {}, body)));
    if (this.focus !== null) {
      for (const b of this.el.querySelectorAll('[data-focus]')) if (b.dataset.focus === this.focus) b.focus();
      this.focus = null;
    }
  }

  sortBy(c) {
    this.focus = `sort:${c.key}`;
    this.sort =
      this.sort.key === c.key
        ? { key: c.key, dir: -this.sort.dir }
        : { key: c.key, dir: c.num && c.key !== 'rank' ? -1 : 1 };
    this.render();
  }

  toggle(id) {
    this.focus = `open:${id}`;
    if (this.open.has(id)) this.open.delete(id);
    else this.open.add(id);
    this.render();
  }
}

/** An agent's per-task statistics. */
function taskTable(e) {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Task', 'Episodes', 'Seeds', 'Mean', '95 % CI', '≥ 95', ...Object.values(SHORT)].map((t, i) =>
            h('th', { class: i > 0 ? 'num' : null, scope: 'col' }, t),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        e.by_task.map((t) =>
          h(
            'tr',
            {},
            h('td', {}, t.task_id),
            [fmt(t.episodes), fmt(t.seeds), fmt(t.mean, 1), interval(t.ci95), pct(t.success_rate)].map((v) =>
              h('td', { class: 'num' }, v),
            ),
            Object.keys(SHORT).map((d) => h('td', { class: 'num' }, fmt(t.dimensions[d], 1))),
          ),
        ),
      ),
    ),
  );
}
