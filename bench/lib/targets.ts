/** The performance targets (docs/performance.md) and their verdicts from the rows of a run. */
import type { MemRun } from '../sections/memory.js';
import type { Section } from './plan.js';
import { fmt, medRange, type Row, type TargetResult } from './report.js';
import type { Summary } from './stats.js';

export function targets(
  rows: readonly Row[],
  raw: Record<string, unknown>,
  ran: Set<Section>,
): TargetResult[] {
  const find = (section: string, scenario: string, metric: string) =>
    rows.find((r) => r.section.startsWith(section) && r.scenario === scenario && r.metric === metric);
  const t: TargetResult[] = [];
  const atLeast = (target: string, sec: Section, row: Row | undefined, min: number, unit = '') => {
    if (!ran.has(sec) || row === undefined) return t.push({ target, measured: '', verdict: 'not run' });
    t.push({
      target,
      measured: medRange(row.value, unit),
      verdict: row.value.median >= min ? 'PASS' : 'MISS',
    });
  };
  const share = (
    target: string,
    sec: Section,
    row: Row | undefined,
    min: number,
    extra?: () => [boolean, string],
  ) => {
    if (!ran.has(sec) || row?.vs_floor === undefined)
      return t.push({ target, measured: '', verdict: 'not run' });
    const f = row.vs_floor;
    let ok = f.median >= min;
    let measured = `${(f.median * 100).toFixed(0)}% of the floor (${(f.min * 100).toFixed(0)}–${(f.max * 100).toFixed(0)}%)`;
    if (extra) {
      const [ok2, text] = extra();
      ok = ok && ok2;
      measured += `; ${text}`;
    }
    if (row.void === 'ours') {
      measured += '; VOID: the load client was > 90 % busy in our run';
      return t.push({ target, measured, verdict: 'VOID' });
    }
    if (row.void === 'floor') {
      // The floor was client-bound, so the true floor is higher and the true ratio lower than measured.
      measured += ok
        ? '; VOID: the floor run was client-bound (> 90 %), the true ratio is lower'
        : '; ratio void (floor client-bound) but an upper bound, so a MISS';
      return t.push({ target, measured, verdict: ok ? 'VOID' : 'MISS' });
    }
    t.push({ target, measured, verdict: ok ? 'PASS' : 'MISS' });
  };
  const wsRow = (format: string, scenario: string) =>
    rows.find(
      (r) =>
        r.section.startsWith('WebSocket episodes') &&
        r.section.endsWith(`=${format}`) &&
        r.scenario === scenario &&
        r.metric === 'episodes/s',
    );

  atLeast(
    'in-process ≥ 1,500 mixed T1–T10 episodes/s on one core',
    'inprocess',
    find('in-process', 'mixed T1–T10', 'episodes/s'),
    1500,
    ' eps/s',
  );
  atLeast(
    'WS ≥ 150 mixed episodes/s at 16 sessions (full)',
    'ws-episodes',
    wsRow('full', '16 sessions, solver client'),
    150,
    ' eps/s',
  );
  atLeast(
    'WS ≥ 250 mixed episodes/s at 16 sessions (compact)',
    'ws-episodes',
    wsRow('compact', '16 sessions, solver client'),
    250,
    ' eps/s',
  );
  const pctOf = (f: Summary) =>
    `${(f.median * 100).toFixed(0)}% (${(f.min * 100).toFixed(0)}–${(f.max * 100).toFixed(0)}%)`;
  for (const format of ['full', 'compact']) {
    const target = `WS episodes ≥ 50 % of the episode floor at 16 sessions (${format})`;
    const solver = wsRow(format, '16 sessions, solver client');
    const replay = wsRow(format, '16 sessions, replay client');
    if (!ran.has('ws-episodes') || solver?.vs_floor === undefined) {
      t.push({ target, measured: '', verdict: 'not run' });
      continue;
    }
    const voidText = (r: Row) =>
      r.void === 'ours'
        ? ' VOID (client > 90 % busy)'
        : r.void === 'floor'
          ? ' VOID (floor client-bound)'
          : '';
    let measured = `solver client ${pctOf(solver.vs_floor)}${voidText(solver)}`;
    if (replay?.vs_floor !== undefined)
      measured += `; replay client ${pctOf(replay.vs_floor)}${voidText(replay)}`;
    // A ratio whose floor was client-bound is an upper bound: it can still show a MISS.
    const decides = (r: Row | undefined) =>
      r?.vs_floor !== undefined && (!r.void || (r.void === 'floor' && r.vs_floor.median < 0.5));
    const basis = decides(solver) ? solver : decides(replay) ? replay! : null;
    if (basis !== null && basis === replay) measured += ' (verdict on the replay client)';
    t.push({
      target,
      measured,
      verdict: basis === null ? 'VOID' : basis.vs_floor!.median >= 0.5 ? 'PASS' : 'MISS',
    });
  }
  const wsSmall = find('WebSocket small steps', '64 sessions', 'steps/s');
  share(
    'WS small step ≥ 60 % of the floor at 64 sessions, p99 ≤ 3× the floor’s',
    'ws-steps',
    wsSmall,
    0.6,
    () => {
      const ours = find('WebSocket small steps', '64 sessions', 'p99 ms')!.value;
      const fl = find('WebSocket small steps', '64 sessions — floor', 'p99 ms')!.value;
      const x = ours.median / fl.median;
      return [x <= 3, `p99 ${fmt(ours.median)} ms = ${x.toFixed(2)}× the floor’s ${fmt(fl.median)} ms`];
    },
  );
  share(
    'HTTP small step ≥ 60 % of the floor at 16 connections',
    'http',
    find('HTTP small steps', '16 connections', 'requests/s'),
    0.6,
  );
  const idle = rows.find((r) => r.section.startsWith('memory') && r.scenario.includes('idle sessions'));
  if (!ran.has('memory') || idle === undefined) {
    t.push({ target: '≤ 20 KB (20,000 B) RSS per idle session', measured: '', verdict: 'not run' });
    t.push({ target: '10,000 sessions open without errors', measured: '', verdict: 'not run' });
  } else {
    t.push({
      target: '≤ 20 KB (20,000 B) RSS per idle session',
      measured: `${medRange(idle.value, ' B')}`,
      verdict: idle.value.median <= 20_000 ? 'PASS' : 'MISS',
    });
    const runs = (raw.memory as { idle: MemRun[] }).idle;
    const opened = Math.min(...runs.map((r) => r.opened));
    const errors = runs.reduce((n, r) => n + r.errors, 0);
    t.push({
      target: '10,000 sessions open without errors',
      measured: `${runs.length} run(s): fewest opened ${opened.toLocaleString('en-US')}, errors ${errors}`,
      verdict: opened >= 10_000 && errors === 0 ? 'PASS' : 'MISS',
    });
  }
  const j = find('judge', 'Episode.submit(parsed args)', 'p50 ms');
  if (!ran.has('judge') || j === undefined)
    t.push({ target: 'T2 judge ≤ 5 ms', measured: '', verdict: 'not run' });
  else {
    const p99 = find('judge', 'Episode.submit(parsed args)', 'p99 ms')!;
    t.push({
      target: 'scoring a full T2 submission ≤ 5 ms (p50 of Episode.submit)',
      measured: `p50 ${medRange(j.value, ' ms')}; p99 ${medRange(p99.value, ' ms')}`,
      verdict: j.value.median <= 5 ? 'PASS' : 'MISS',
    });
  }
  return t;
}
