import { afterAll, beforeAll, expect, it } from 'vitest';
import { InProcessEnv } from '../../src/env/in-process.js';
import { agents } from '../../src/agents/index.js';
import { reference } from '../../src/agents/reference.js';
import { type EpisodeResult, runEpisode } from '../../src/agents/runner.js';
import { connectRemote, RemoteEnv, RemoteEnvError, wsUrlOf } from '../../src/client/ws-client.js';
import { buildApp } from '../../src/server/app.js';
import { catalog, listen, testConfig } from './helpers.js';

const app = buildApp(testConfig(), { catalog });
let base = '';
beforeAll(async () => {
  base = await listen(app);
});
afterAll(() => app.close());

it('64 concurrent /ws sessions running the reference solver on different tasks and seeds give exactly the in-process results', async () => {
  const jobs = Array.from({ length: 64 }, (_, i) => ({
    task_id: catalog.ids[i % catalog.ids.length]!,
    seed: 1000 + 37 * i,
  }));
  const remote = await Promise.all(
    jobs.map(async (job) => {
      const env = await connectRemote(base);
      try {
        return await runEpisode(env, reference, job);
      } finally {
        await env.close();
      }
    }),
  );
  const local: EpisodeResult[] = [];
  const env = new InProcessEnv(catalog);
  for (const job of jobs) local.push(await runEpisode(env, reference, job));
  expect(remote).toEqual(local);
  expect(remote.every((r) => r.score === 100)).toBe(true);
});

it('flawed agents score the same remotely as in-process too', async () => {
  const registry = agents(catalog);
  for (const name of ['no-retry', 'keep-totals', 'fabricator']) {
    const agent = registry.get(name)!;
    for (const task_id of ['T4_rate_limit_429', 'T7_totals_trap']) {
      const remoteEnv = await connectRemote(base.replace('ws://', 'http://'));
      const remote = await runEpisode(remoteEnv, agent, { task_id, seed: 5 });
      await remoteEnv.close();
      const local = await runEpisode(new InProcessEnv(catalog), agent, { task_id, seed: 5 });
      expect({ name, task_id, remote }).toEqual({ name, task_id, remote: local });
    }
  }
});

it('the client builds the /ws URL like the Python client', () => {
  expect(wsUrlOf('http://h:8000/')).toBe('ws://h:8000/ws');
  expect(wsUrlOf('https://org-space.hf.space')).toBe('wss://org-space.hf.space/ws');
  expect(wsUrlOf('ws://h:1/prefix//')).toBe('ws://h:1/prefix/ws');
  expect(wsUrlOf('h:8000')).toBe('ws://h:8000/ws');
});

it('the client surfaces server errors as typed errors (capacity, wrong URL, tool errors)', async () => {
  const small = buildApp(testConfig({ MAX_CONCURRENT_ENVS: 1 }), { catalog });
  const url = await listen(small);
  try {
    const first = await RemoteEnv.connect(url);
    await first.reset({ task_id: 'T1_single_page', seed: 1 });
    const unknown = await first.callTool('nope', {});
    expect(unknown).toMatchObject({
      value: null,
      error: { code: 'CB_ERR_UNKNOWN_TOOL' },
      done: false,
      reward: null,
    });
    const bad = await first.callTool('fetch_page', { page: 0 });
    expect(bad).toMatchObject({ value: null, error: { code: 'CB_ERR_INVALID_ARGUMENT' } });
    const second = await RemoteEnv.connect(url);
    const err = await second.reset({ task_id: 'T1_single_page', seed: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteEnvError);
    expect((err as RemoteEnvError).data.code).toBe('CAPACITY_REACHED');
    await second.close();
    await first.close();
    await expect(RemoteEnv.connect(`${url}/ws`)).rejects.toThrow(/HTTP 404.*base URL/);
  } finally {
    await small.close();
  }
});
