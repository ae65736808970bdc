/** The printed table and the target verdicts (the targets are in docs/performance.md). */
import Table from 'cli-table3';
import type { Summary } from './stats.js';

export interface Row {
  readonly section: string;
  readonly scenario: string;
  readonly metric: string;
  readonly value: Summary;
  readonly server_cpu?: Summary;
  readonly client_cpu?: Summary;
  /** CPU% of everything else on the machine over the same windows (other processes, kernel softirq). */
  readonly other_cpu?: Summary;
  /** Our figure as a share of the floor's, run i with run i. */
  readonly vs_floor?: Summary;
  /**
   * The ratio is void: the load client was > 90 % busy (median over runs) in our run ('ours': our figure is
   * client-bound) or only in the floor's ('floor': the floor is client-bound, so the ratio is an upper bound).
   */
  readonly void?: 'ours' | 'floor' | false;
  readonly note?: string;
}

export interface TargetResult {
  readonly target: string;
  readonly measured: string;
  readonly verdict: 'PASS' | 'MISS' | 'VOID' | 'not run';
}

export function fmt(x: number): string {
  if (!Number.isFinite(x)) return '-';
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toFixed(3);
}

export const range = (s: Summary) => (s.n === 0 ? '-' : `${fmt(s.min)}–${fmt(s.max)}`);
export const medRange = (s: Summary | undefined, unit = '') =>
  s === undefined || s.n === 0 ? '' : `${fmt(s.median)}${unit} (${range(s)})`;
const pct = (s: Summary | undefined) =>
  s === undefined || s.n === 0 ? '' : `${s.median.toFixed(0)} (${s.min.toFixed(0)}–${s.max.toFixed(0)})`;

export function printTable(rows: readonly Row[]): string {
  const t = new Table({
    head: [
      'scenario',
      'metric',
      'median',
      'range',
      'runs',
      'server CPU%',
      'client CPU%',
      'other CPU%',
      'vs floor',
      'note',
    ],
    style: { head: [], border: [], compact: true },
    wordWrap: true,
    colWidths: [30, 14, 10, 17, 6, 13, 13, 12, 16, 40],
  });
  let section = '';
  for (const r of rows) {
    if (r.section !== section) {
      section = r.section;
      t.push([{ colSpan: 10, content: `— ${section} —` }]);
    }
    const floor =
      r.vs_floor === undefined
        ? ''
        : `${(r.vs_floor.median * 100).toFixed(0)}% (${(r.vs_floor.min * 100).toFixed(0)}–${(r.vs_floor.max * 100).toFixed(0)})${r.void === 'ours' ? ' VOID' : r.void === 'floor' ? ' VOID (floor)' : ''}`;
    t.push([
      r.scenario,
      r.metric,
      fmt(r.value.median),
      range(r.value),
      String(r.value.n),
      pct(r.server_cpu),
      pct(r.client_cpu),
      pct(r.other_cpu),
      floor,
      r.note ?? '',
    ]);
  }
  return t.toString();
}

export function printTargets(targets: readonly TargetResult[]): string {
  const t = new Table({
    head: ['target', 'measured (median, range)', 'verdict'],
    style: { head: [], border: [], compact: true },
    wordWrap: true,
    colWidths: [58, 64, 9],
  });
  for (const x of targets) t.push([x.target, x.measured, x.verdict]);
  return t.toString();
}
