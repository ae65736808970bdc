/**
 * TOOL_RESULT_FORMAT=compact: fetch_page results carry their rows once (in `data`), the solver over /ws
 * scores exactly as in-process, and the default `full` format keeps upstream's three copies.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { InProcessEnv } from '../../src/agents/in-process.js';
import { reference } from '../../src/agents/reference.js';
import { runEpisode } from '../../src/agents/runner.js';
import { connectRemote } from '../../src/client/ws-client.js';
import { buildApp } from '../../src/server/app.js';
import { catalog, listen, testConfig, WsProbe } from './helpers.js';

const compact = buildApp(testConfig({ TOOL_RESULT_FORMAT: 'compact' }), { catalog });
const full = buildApp(testConfig(), { catalog });
const bases = { compact: '', full: '' };
beforeAll(async () => {
  bases.compact = await listen(compact);
  bases.full = await listen(full);
});
afterAll(async () => {
  await compact.close();
  await full.close();
});

async function firstPage(base: string) {
  const ws = await WsProbe.open(base);
  ws.send({ type: 'reset', data: { task_id: 'T2_multi_page', seed: 4 } });
  await ws.next();
  ws.send({
    type: 'step',
    data: { type: 'call_tool', tool_name: 'fetch_page', arguments: { page: 1, page_size: 500 } },
  });
  const frame = await ws.next();
  ws.send({ type: 'close' });
  return frame.data.observation.result;
}

it('compact results hold the value once in data; full results hold it in content, structured_content and data', async () => {
  const c = await firstPage(bases.compact);
  expect(c.structured_content).toBeNull();
  expect(c.data.rows).toHaveLength(500);
  expect(c.content[0].text).toBe('status=200 rows=500 (full result in data)');
  const f = await firstPage(bases.full);
  expect(f.data).toEqual(c.data);
  expect(f.structured_content).toEqual(c.data);
  expect(JSON.parse(f.content[0].text)).toEqual(c.data);
  expect(JSON.stringify(c).length * 2.5).toBeLessThan(JSON.stringify(f).length);
});

it('the reference solver scores the same over compact /ws as in-process', async () => {
  const local = new InProcessEnv(catalog);
  for (const task_id of ['T2_multi_page', 'T8_mixed_faults', 'T9_adaptive_adversary']) {
    const env = await connectRemote(bases.compact);
    try {
      const remote = await runEpisode(env, reference, { task_id, seed: 11 });
      expect(remote).toEqual(await runEpisode(local, reference, { task_id, seed: 11 }));
      expect(remote.score).toBe(100);
    } finally {
      await env.close();
    }
  }
});
