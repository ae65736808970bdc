/**
 * The largest task's full data submitted as rows, as data_jsonl and as row_ids, over HTTP and over /ws,
 * scores exactly as in-process; and the 16 MiB default limits hold on both transports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessEnv } from '../../src/env/in-process.js';
import { runEpisode } from '../../src/agents/runner.js';
import { solve } from '../../src/agents/solver.js';
import type { Agent } from '../../src/agents/types.js';
import type { EnvConnection } from '../../src/env/connection.js';
import { connectRemote } from '../../src/client/ws-client.js';
import { buildApp } from '../../src/server/app.js';
import { call, catalog, expectError, InjectEnv, listen, testConfig, WsProbe } from './helpers.js';

const MiB = 1024 * 1024;
const config = testConfig();
const app = buildApp(config, { catalog });
let base = '';
beforeAll(async () => {
  base = await listen(app);
});
afterAll(() => app.close());

const largest = [...catalog.ids].sort(
  (a, b) => catalog.resolve(b).rows.max - catalog.resolve(a).rows.max,
)[0]!;
const formats = ['rows', 'data_jsonl', 'row_ids'] as const;

/** The reference solver submitting in one format, recording the submitted argument size. */
function submitter(as: (typeof formats)[number], sizes: number[]): Agent {
  return {
    name: `reference-${as}`,
    description: 'reference solver, one submission format',
    run: (env) =>
      solve(
        {
          reset: (o) => env.reset(o),
          close: () => env.close(),
          callTool: (name, args) => {
            if (name === 'submit_results') sizes.push(JSON.stringify(args).length);
            return env.callTool(name, args);
          },
        } satisfies EnvConnection,
        { submitAs: as },
      ),
  };
}

describe(`the largest task (${largest}) submitted in full`, () => {
  it('is the ~2,400-row task and uses the 16 MiB default limits', () => {
    expect(catalog.resolve(largest).rows.max).toBeGreaterThanOrEqual(2300);
    expect(config.MAX_BODY_BYTES).toBe(16 * MiB);
  });

  for (const as of formats) {
    it(`as ${as}: HTTP and /ws give the in-process score (100)`, async () => {
      const sizes: number[] = [];
      const job = { task_id: largest, seed: 21 };
      const local = await runEpisode(new InProcessEnv(catalog), submitter(as, sizes), job);
      const overHttp = await runEpisode(new InjectEnv(app), submitter(as, sizes), job);
      const remote = await connectRemote(base);
      const overWs = await runEpisode(remote, submitter(as, sizes), job);
      await remote.close();
      expect(local.score).toBe(100);
      expect(overHttp).toEqual(local);
      expect(overWs).toEqual(local);
      if (as !== 'row_ids') expect(Math.min(...sizes)).toBeGreaterThan(500_000);
    });
  }
});

describe('16 MiB default limits', () => {
  it('HTTP: a 15 MiB body is accepted, a body over 16 MiB is refused with 413', async () => {
    const ok = await call(app, 'POST', '/reset', { task_id: 'T1_single_page', pad: 'x'.repeat(15 * MiB) });
    expect(ok.status).toBe(200);
    expectError(
      await call(app, 'POST', '/reset', { pad: 'x'.repeat(16 * MiB) }),
      413,
      'CB_ERR_BODY_TOO_LARGE',
    );
    expect((await call(app, 'GET', '/health')).status).toBe(200);
  });

  it('/ws: a 15 MiB frame is accepted, a frame over 16 MiB closes with 1009', async () => {
    const p = await WsProbe.open(base);
    const ok = await p.ask({ type: 'reset', data: { task_id: 'T1_single_page', pad: 'x'.repeat(15 * MiB) } });
    expect(ok.type).toBe('observation');
    p.send({ type: 'reset', data: { pad: 'x'.repeat(16 * MiB) } });
    expect((await p.closed).code).toBe(1009);
  });
});
