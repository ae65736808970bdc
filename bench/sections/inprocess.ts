/** Section inprocess: reference-solver episodes per second through InProcessEnv on one core, mixed and per task. */
import { type Harness, NOISY_PCT, type RunRecord, SERVER_CPU, col, profileDir } from '../lib/harness.js';
import { medRange } from '../lib/report.js';
import { runWorker } from '../lib/spawn.js';

export async function inprocess(h: Harness): Promise<void> {
  const { p, out } = h;
  const r = await runWorker(
    'inprocess',
    { runs: p.runs, ...p.inprocess },
    { cpu: SERVER_CPU, timeoutS: 300, profileDir: profileDir(h, 'inprocess') },
  );
  out.raw.inprocess = r;
  const mixed = r.mixed as RunRecord[];
  const S = 'in-process (reference solver, InProcessEnv, one core: taskset -c 0)';
  const failures = r.failures as number;
  out.rows.push(
    {
      section: S,
      scenario: 'mixed T1–T10',
      metric: 'episodes/s',
      value: col(mixed, 'eps'),
      server_cpu: col(mixed, 'cpu_pct'),
      other_cpu: col(mixed, 'other_cpu'),
      note:
        (col(mixed, 'other_cpu').median > NOISY_PCT ? 'NOISY: other processes were busy; ' : '') +
        (failures > 0 ? `${failures} episodes did not score 100` : 'every episode scored 100'),
    },
    { section: S, scenario: 'mixed T1–T10', metric: 'rows/s', value: col(mixed, 'rows_per_s') },
  );
  for (const [id, runs] of Object.entries(r.per_task as Record<string, RunRecord[]>)) {
    out.rows.push({
      section: S,
      scenario: id,
      metric: 'episodes/s',
      value: col(runs, 'eps'),
      note: `rows/s ${medRange(col(runs, 'rows_per_s'))}`,
    });
  }
  if (failures > 0) throw new Error(`in-process: ${failures} reference episodes did not score 100`);
}
