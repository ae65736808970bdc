/**
 * The row format is only an encoding: every agent (the reference solver and every persona, each reading pages
 * through pageRows) makes the same requests and gets the same score with rows as objects and as columns, on
 * every task and profile. (key-enumerator reads no page and is slow to judge: it is left out.) A trajectory
 * records the row format its episode was reset with, so rescoring replays the same replies.
 */
import { describe, expect, it } from 'vitest';
import { InProcessEnv } from '../../src/env/in-process.js';
import { runEpisode } from '../../src/agents/runner.js';
import { replayTrajectory, TrajectoryRecorder } from '../../src/env/trajectory.js';
import { catalog, PROFILES, registry, SEEDS, TASK_IDS } from './helpers.js';

const AGENTS = [...registry.keys()].filter((a) => a !== 'key-enumerator');

describe.each(PROFILES)('rows as objects or as columns give the same episode (%s)', (profile) => {
  for (const taskId of TASK_IDS) {
    for (const seed of SEEDS) {
      it(`${taskId}/${profile} seed ${seed}: every agent scores the same in both row formats`, async () => {
        for (const agent of AGENTS) {
          const episode = (row_format: 'objects' | 'columns') =>
            runEpisode(new InProcessEnv(catalog), registry.get(agent)!, {
              task_id: taskId,
              seed,
              profile,
              row_format,
            });
          const objects = await episode('objects');
          const columns = await episode('columns');
          expect(columns, `${agent} ${taskId}/${profile} seed ${seed}`).toEqual(objects);
        }
      });
    }
  }
});

describe('a trajectory replays in the row format its episode was reset with', () => {
  it('rows as objects on the llm profile (whose default is columns) rescore exactly', async () => {
    for (const row_format of ['objects', 'columns'] as const) {
      const recorder = new TrajectoryRecorder(new InProcessEnv(catalog));
      const r = await runEpisode(recorder, registry.get('reference')!, {
        task_id: 'T8_mixed_faults',
        seed: 4,
        profile: 'llm',
        row_format,
      });
      const t = recorder.trajectory({
        agent: 'reference',
        model: null,
        repeat: 0,
        endReason: r.end_reason,
        score: r.score,
      });
      expect(t.row_format).toBe(row_format);
      const verdict = await replayTrajectory(t, catalog, '');
      expect(verdict.difference, row_format).toBeNull();
      expect(verdict.reproduced).toBe(true);
    }
  });
});
