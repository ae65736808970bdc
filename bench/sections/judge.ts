/** Section judge: the time to score a full T2 submission (Episode.submit, judge() alone, runTool with zod). */
import { type Harness, type RunRecord, SERVER_CPU, col, profileDir } from '../lib/harness.js';
import { runWorker } from '../lib/spawn.js';

export async function judgeSection(h: Harness): Promise<void> {
  const { p, out } = h;
  const r = await runWorker(
    'judge',
    { runs: p.runs, ...p.judge },
    { cpu: SERVER_CPU, timeoutS: 300, profileDir: profileDir(h, 'judge') },
  );
  out.raw.judge = r;
  const runs = r.runs as RunRecord[];
  const S = `judge: score a full T2_multi_page submission (${r.rows as number} rows), R* precomputed, ${p.judge.reps} reps/run`;
  const add = (scenario: string, key: string) => {
    out.rows.push({ section: S, scenario, metric: 'p50 ms', value: col(runs, `${key}_p50_ms`) });
    out.rows.push({ section: S, scenario, metric: 'p99 ms', value: col(runs, `${key}_p99_ms`) });
  };
  add('Episode.submit(parsed args)', 'submit');
  add('judge() alone', 'judge');
  add("runTool('submit_results') (+ zod)", 'call');
}
