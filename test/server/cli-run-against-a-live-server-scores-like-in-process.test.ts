/**
 * `comtradebench run --url` drives a live server over /ws (one session per worker) and records the same
 * episodes as the same agent in-process.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { reference } from '../../src/agents/reference.js';
import { runEpisode } from '../../src/agents/runner.js';
import { InProcessEnv } from '../../src/env/in-process.js';
import { buildApp } from '../../src/server/app.js';
import { catalog, listen, startTsx, testConfig } from './helpers.js';

it('comtradebench run --url runs agents against a live server over /ws with in-process scores', async (t) => {
  const { expect } = t;
  const app = buildApp(testConfig(), { catalog });
  const base = await listen(app);
  try {
    const json = join(mkdtempSync(join(tmpdir(), 'cb-run-')), 'out.json');
    const p = startTsx(
      t,
      'src/cli/main.ts',
      [
        'run',
        '--agent',
        'reference',
        '--tasks',
        'T4,T6',
        '--seeds',
        '0..2',
        '--concurrency',
        '3',
        '--url',
        base,
        '--no-progress',
        '--json',
        json,
      ],
      {},
    );
    expect(await p.exit, p.err()).toBe(0);
    const { episodes } = JSON.parse(readFileSync(json, 'utf8')) as { episodes: unknown[] };
    const env = new InProcessEnv(catalog);
    const local = [];
    for (const task_id of ['T4_rate_limit_429', 'T6_page_drift'])
      for (const seed of [0, 1, 2]) local.push(await runEpisode(env, reference, { task_id, seed }));
    // Episode ids, wall times and the measured tool output are the run's own; everything else is equal.
    const comparable = (rs: unknown[]) =>
      rs.map((r) => {
        const { episode_id: _id, wall_time_s: _t, tool_chars: _c, ...rest } = r as Record<string, unknown>;
        return rest;
      });
    expect(comparable(episodes)).toEqual(comparable(JSON.parse(JSON.stringify(local))));
  } finally {
    await app.close();
  }
});
