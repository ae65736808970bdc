/** The summary as the table `run` and `eval` print (cli-table3); `--json` writes the Summary itself. */
import Table from 'cli-table3';
import { DIMENSIONS, type Dimension } from '../core/judge/index.js';
import type { ScoreStats, Summary } from './stats.js';

const SHORT: Record<Dimension, string> = {
  correctness: 'corr/30',
  completeness: 'compl/15',
  robustness: 'robust/15',
  efficiency: 'effic/15',
  data_quality: 'dq/15',
  observability: 'obs/10',
};

const f2 = (x: number) => x.toFixed(2);
const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
const opt = (x: number | null, digits = 1) => (x === null ? '' : x.toFixed(digits));

interface Column {
  readonly head: string;
  readonly cell: (s: ScoreStats) => string;
}

export function renderTable(summary: Summary): string {
  const all = [summary.overall, ...summary.tasks];
  const has = (pick: (s: ScoreStats) => number | null) => all.some((s) => pick(s) !== null);
  const columns: Column[] = [
    { head: 'n', cell: (s) => String(s.episodes) },
    { head: 'score', cell: (s) => f2(s.mean_score) },
    { head: '95% CI', cell: (s) => `${f2(s.ci95[0])}–${f2(s.ci95[1])}` },
    { head: `≥${summary.success_score}`, cell: (s) => pct(s.success_rate) },
    ...(summary.repeats > 1
      ? [
          {
            head: `pass^${summary.repeats}`,
            cell: (s: ScoreStats) => (s.pass_k === null ? '' : pct(s.pass_k)),
          },
        ]
      : []),
    ...DIMENSIONS.map((d) => ({ head: SHORT[d], cell: (s: ScoreStats) => f2(s.mean_dimensions[d]) })),
    { head: 'req', cell: (s) => f2(s.mean_requests) },
    ...(has((s) => s.mean_turns) ? [{ head: 'turns', cell: (s: ScoreStats) => opt(s.mean_turns) }] : []),
    ...(has((s) => s.mean_tool_chars)
      ? [
          {
            head: 'tool kch',
            cell: (s: ScoreStats) => opt(s.mean_tool_chars === null ? null : s.mean_tool_chars / 1000),
          },
        ]
      : []),
    ...(has((s) => s.mean_prompt_tokens)
      ? [
          { head: 'tok in', cell: (s: ScoreStats) => opt(s.mean_prompt_tokens, 0) },
          { head: 'tok out', cell: (s: ScoreStats) => opt(s.mean_completion_tokens, 0) },
        ]
      : []),
  ];
  const table = new Table({
    head: ['task', ...columns.map((c) => c.head)],
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const t of summary.tasks) table.push([t.task_id, ...columns.map((c) => c.cell(t))]);
  table.push(['all', ...columns.map((c) => c.cell(summary.overall))]);
  const who = summary.model === null ? `agent ${summary.agent}` : `model ${summary.model} (${summary.agent})`;
  const ends = Object.entries(summary.overall.end_reasons)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  return (
    `${who}, profile ${summary.profile}, ${summary.repeats} repeat(s) per seed\n${table.toString()}\n` +
    `score: mean over seeds; 95% CI: bootstrap over seeds (${summary.bootstrap.resamples} resamples); ` +
    `≥${summary.success_score}: success rate; ended: ${ends}`
  );
}
