/**
 * The row format is only an encoding: every agent (the reference solver and every persona, each reading pages
 * through pageRows) makes the same requests and gets the same score with rows as objects and as columns, on
 * every task and profile. (key-enumerator reads no page and is slow to judge: it is left out.)
 */
import { describe, expect, it } from 'vitest';
import { InProcessEnv } from '../../src/agents/in-process.js';
import { runEpisode } from '../../src/agents/runner.js';
import { catalog, PROFILES, registry, SEEDS, TASK_IDS } from './helpers.js';

const AGENTS = [...registry.keys()].filter((a) => a !== 'key-enumerator');

describe.each(PROFILES)('rows as objects or as columns give the same episode (%s)', (profile) => {
  for (const taskId of TASK_IDS) {
    it(`${taskId}/${profile}: every agent scores the same in both row formats`, async () => {
      for (const seed of SEEDS.slice(0, 4)) {
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
      }
    });
  }
});
