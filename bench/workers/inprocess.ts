/**
 * Section 1, in-process: the reference solver through InProcessEnv (rows passed as arrays, no server, no
 * serialisation), pinned to one core by the harness. Mixed T1-T10 (task i mod 10, a fresh seed per episode)
 * and per task; episodes/s and rows/s (rows = N of each episode) per run.
 */
import { InProcessEnv } from '../../src/env/in-process.js';
import { reference } from '../../src/agents/reference.js';
import { runEpisode } from '../../src/agents/runner.js';
import { loadTasks } from '../../src/env/task-catalog.js';
import { cpuWindow } from '../lib/proc.js';
import { emit, runWorker, workerArgs } from '../lib/worker.js';

interface Args {
  runs: number;
  mixedWindowS: number;
  taskWindowS: number;
  warmupS: number;
}

interface Run {
  eps: number;
  rows_per_s: number;
  episodes: number;
  cpu_pct: number;
  other_cpu: number;
}

runWorker(async () => {
  const args = workerArgs<Args>();
  const catalog = loadTasks();
  const ids = catalog.ids;
  const env = new InProcessEnv(catalog);
  let seed = 1_000_000;
  let failures = 0;

  /** Runs episodes for `seconds` (checked between episodes); `pick(i)` chooses the task of episode i. */
  const measure = async (seconds: number, pick: (i: number) => string): Promise<Run> => {
    const w = cpuWindow([process.pid]);
    const t0 = performance.now();
    const end = t0 + seconds * 1000;
    let episodes = 0;
    let rows = 0;
    while (performance.now() < end) {
      const r = await runEpisode(env, reference, { task_id: pick(episodes), seed: seed++ });
      if (r.score !== 100) failures += 1;
      rows += r.evidence.n ?? 0;
      episodes += 1;
    }
    const s = (performance.now() - t0) / 1000;
    const cw = w.stop();
    return {
      eps: episodes / s,
      rows_per_s: rows / s,
      episodes,
      cpu_pct: cw.cpuPct[process.pid]!,
      other_cpu: cw.otherPct,
    };
  };

  // Warm-up: every task, until the JIT has settled.
  await measure(args.warmupS, (i) => ids[i % ids.length]!);
  const mixed: Run[] = [];
  for (let r = 0; r < args.runs; r++)
    mixed.push(await measure(args.mixedWindowS, (i) => ids[i % ids.length]!));
  const perTask: Record<string, Run[]> = {};
  for (const id of ids) perTask[id] = [];
  // Interleave tasks across runs so that a slow phase of the machine does not land on one task only.
  for (let r = 0; r < args.runs; r++) {
    for (const id of ids) perTask[id]!.push(await measure(args.taskWindowS, () => id));
  }
  emit('result', { mixed, per_task: perTask, failures });
});
