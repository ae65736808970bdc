/**
 * In-process agents drive the same ComtradeEnvironment the transports do, so every rule the wire enforces
 * holds in-process too, with the same typed error: arguments that are not a JSON object, unknown tools,
 * invalid arguments, a locked page size and a step after the end give byte-identical replies in-process and
 * over a /ws session, and none of them ends the episode or costs a request.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectRemote } from '../../src/client/ws-client.js';
import { type EnvConnection, replyValue } from '../../src/env/connection.js';
import { toolMessageText } from '../../src/env/trajectory.js';
import { InProcessEnv } from '../../src/env/in-process.js';
import { buildApp } from '../../src/server/app.js';
import { catalog, listen, testConfig } from '../server/helpers.js';

let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  app = buildApp(testConfig(), { catalog });
  base = await listen(app);
});
afterAll(() => app.close());

const CALLS: ReadonlyArray<readonly [string, unknown]> = [
  ['fetch_page', [1, 2]],
  ['fetch_page', 'page=1'],
  ['fetch_page', null],
  ['no_such_tool', {}],
  ['fetch_page', { page: 0 }],
  ['fetch_page', { page: 1, page_size: 10_000 }],
  ['fetch_page', { page: 1, extra: true }],
  ['fetch_page', { page: 1, page_size: 10 }],
  ['fetch_page', { page: 2, page_size: 20 }],
  ['get_task_info', {}],
  ['submit_results', { rows: [], row_ids: [] }],
  ['submit_results', { row_ids: [] }],
  ['fetch_page', { page: 2 }],
  ['submit_results', { row_ids: [] }],
];

async function transcript(env: EnvConnection): Promise<string[]> {
  await env.reset({ task_id: 'T3_duplicates', seed: 9, episode_id: 'same-rules' });
  const out: string[] = [];
  for (const [name, args] of CALLS) {
    const r = await env.callTool(name, args as Record<string, unknown>);
    out.push(`${name} done=${r.done} ${toolMessageText(replyValue(r))}`);
  }
  await env.close();
  return out;
}

it('gives byte-identical replies and typed errors in-process and over /ws', async () => {
  const local = await transcript(new InProcessEnv(catalog));
  const remote = await transcript(await connectRemote(base, { resultFormat: 'compact' }));
  expect(remote).toEqual(local);
  const codes = local.map((l) => /"code":"(CB_ERR_\w+)"/.exec(l)?.[1] ?? 'ok');
  expect(codes).toEqual([
    'CB_ERR_VALIDATION',
    'CB_ERR_VALIDATION',
    'CB_ERR_VALIDATION',
    'CB_ERR_UNKNOWN_TOOL',
    'CB_ERR_INVALID_ARGUMENT',
    'CB_ERR_INVALID_ARGUMENT',
    'CB_ERR_INVALID_ARGUMENT',
    'ok',
    'CB_ERR_PAGE_SIZE_LOCKED',
    'ok',
    'CB_ERR_SUBMISSION_ENVELOPE',
    'ok',
    'CB_ERR_EPISODE_DONE',
    'CB_ERR_EPISODE_DONE',
  ]);
  // Refused calls cost nothing: the one valid fetch is the only request.
  expect(local[9]).toContain('"requests_used":1');
  expect(local[11]).toMatch(/^submit_results done=true /);
});
