/**
 * `comtradebench rescore FILE`: replays every trajectory of a `--trajectories` file against a fresh episode
 * (src/env/trajectory.ts) and prints one verdict per episode. Exit 0 when every reply and score reproduces
 * exactly; EXIT_DIFFERS (3) when anything differs, naming the episode and the first differing call;
 * EXIT_REFUSED (4), before replaying anything, when a trajectory was recorded with other benchmark, judge or
 * task-file versions, or on a salted deployment whose salt is not given.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { TaskCatalog } from '../env/task-catalog.js';
import {
  checkReplayable,
  episodeName,
  ReplayRefused,
  replayTrajectory,
  type Trajectory,
  TrajectorySchema,
  type Verdict,
} from '../env/trajectory.js';
import { UsageError } from './args.js';
import type { Io } from './batch.js';

export const EXIT_DIFFERS = 3;
export const EXIT_REFUSED = 4;

export interface RescoreOptions {
  readonly file: string;
  readonly json?: string | undefined;
  /** The variable holding the deployment's SEED_SALT, for salted trajectories. */
  readonly saltEnv: string;
}

interface LineVerdict extends Partial<Verdict> {
  readonly line: number;
  readonly reproduced: boolean;
  readonly problem?: string;
}

export async function rescoreCommand(catalog: TaskCatalog, opts: RescoreOptions, io: Io): Promise<number> {
  let text: string;
  try {
    text = readFileSync(opts.file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${opts.file}: ${(e as Error).message}`);
  }
  const salt = io.env[opts.saltEnv] ?? '';
  const parsed: Array<{ line: number; trajectory: Trajectory } | { line: number; problem: string }> = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      parsed.push({ line: i + 1, problem: 'not JSON' });
      return;
    }
    const t = TrajectorySchema.safeParse(value);
    if (t.success) parsed.push({ line: i + 1, trajectory: t.data });
    else {
      const issue = t.error.issues[0];
      parsed.push({
        line: i + 1,
        problem: `not a trajectory (${issue?.path.join('.') || 'line'}: ${issue?.message ?? 'invalid'})`,
      });
    }
  });
  if (parsed.length === 0) throw new UsageError(`${opts.file} holds no trajectories`);

  const refusals: string[] = [];
  for (const p of parsed) {
    if (!('trajectory' in p)) continue;
    try {
      checkReplayable(p.trajectory, catalog, salt);
    } catch (e) {
      if (!(e instanceof ReplayRefused)) throw e;
      refusals.push(`line ${p.line}: ${e.message}`);
    }
  }
  if (refusals.length > 0) {
    for (const r of refusals.slice(0, 20)) io.err(`refused: ${r}\n`);
    if (refusals.length > 20) io.err(`refused: … and ${refusals.length - 20} more\n`);
    io.err(`${opts.file}: not rescored (${refusals.length} trajectories cannot be replayed here)\n`);
    return EXIT_REFUSED;
  }

  const verdicts: LineVerdict[] = [];
  for (const p of parsed) {
    if (!('trajectory' in p)) {
      verdicts.push({ line: p.line, reproduced: false, problem: p.problem });
      io.out(`DIFFERS  line ${p.line}: ${p.problem}\n`);
      continue;
    }
    const v = await replayTrajectory(p.trajectory, catalog, salt);
    verdicts.push({ line: p.line, ...v });
    io.out(`${describe(v, p.line)}\n`);
  }
  const reproduced = verdicts.filter((v) => v.reproduced).length;
  io.out(
    `${verdicts.length} episodes: ${reproduced} reproduced exactly, ${verdicts.length - reproduced} differ\n`,
  );
  if (opts.json !== undefined) {
    const report = {
      file: opts.file,
      episodes: verdicts.length,
      reproduced,
      differ: verdicts.length - reproduced,
      verdicts,
    };
    writeFileSync(opts.json, `${JSON.stringify(report, null, 2)}\n`);
  }
  return reproduced === verdicts.length ? 0 : EXIT_DIFFERS;
}

function describe(v: Verdict, line: number): string {
  if (v.reproduced) return `ok       ${v.episode}: ${v.calls} calls, score ${v.score_recorded} reproduced`;
  const d = v.difference!;
  const where = d.call === null ? d.path : `call ${d.call} (${d.tool}) at ${d.path}`;
  return `DIFFERS  ${episodeName(v)} (line ${line}): ${where}: recorded ${d.recorded}, replayed ${d.replayed}`;
}
