/**
 * TOOL_RESULT_FORMAT=compact: fetch_page results carry their rows once (in `data`), the solver over /ws
 * scores exactly as in-process, and the default `full` format keeps upstream's three copies. A reset's
 * result_format overrides the server's default for that episode.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { InProcessEnv } from '../../src/env/in-process.js';
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

async function firstPage(base: string, reset: Record<string, unknown> = {}) {
  const ws = await WsProbe.open(base);
  ws.send({ type: 'reset', data: { task_id: 'T2_multi_page', seed: 4, ...reset } });
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

it("a reset's result_format sets the shape for that episode only, on either server default", async () => {
  const c = await firstPage(bases.compact);
  const f = await firstPage(bases.full);
  expect(await firstPage(bases.full, { result_format: 'compact' })).toEqual(c);
  expect(await firstPage(bases.compact, { result_format: 'full' })).toEqual(f);

  const ws = await WsProbe.open(bases.full);
  const fetchOne = async () => {
    ws.send({ type: 'step', data: { type: 'call_tool', tool_name: 'fetch_page', arguments: { page: 1 } } });
    return (await ws.next()).data.observation.result;
  };
  ws.send({ type: 'reset', data: { task_id: 'T1_single_page', seed: 1, result_format: 'compact' } });
  await ws.next();
  expect((await fetchOne()).structured_content).toBeNull();
  ws.send({ type: 'reset', data: { task_id: 'T1_single_page', seed: 1 } });
  await ws.next();
  expect((await fetchOne()).structured_content.status).toBe(200);
  ws.send({ type: 'reset', data: { result_format: 'xml' } });
  const bad = await ws.next();
  expect(bad.type).toBe('error');
  expect(bad.data.code).toBe('VALIDATION_ERROR');
  expect(JSON.stringify(bad.data.errors)).toMatch(/result_format/);
  ws.send({ type: 'close' });
});

it('RemoteEnv asks for compact results when told to, and the solver scores the same', async () => {
  const env = await connectRemote(bases.full, { resultFormat: 'compact' });
  try {
    const frames: string[] = [];
    // The socket is private; the observable difference is the bytes the solver parses.
    (env as unknown as { socket: { on: (e: string, f: (d: Buffer) => void) => void } }).socket.on(
      'message',
      (d) => frames.push(d.toString()),
    );
    const remote = await runEpisode(env, reference, { task_id: 'T4_rate_limit_429', seed: 2 });
    expect(remote.score).toBe(100);
    const pages = frames.filter((f) => f.includes('"rows":['));
    expect(pages.length).toBeGreaterThan(3);
    for (const f of pages) expect(JSON.parse(f).data.observation.result.structured_content).toBeNull();
  } finally {
    await env.close();
  }
});
