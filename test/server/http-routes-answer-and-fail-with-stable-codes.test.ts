import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reference } from '../../src/agents/reference.js';
import { runEpisode } from '../../src/agents/runner.js';
import { SessionStore } from '../../src/env/sessions.js';
import { buildApp } from '../../src/server/app.js';
import { call, catalog, expectError, type HttpEpisode, httpReset, InjectEnv, testConfig } from './helpers.js';

const config = testConfig();
const store = new SessionStore({ catalog, capacity: 64, idleTimeoutMs: 900_000 });
const app = buildApp(config, { store });
app.get('/test-only/boom', async () => {
  throw new Error('secret internals');
});

beforeAll(() => app.ready());
afterAll(() => app.close());

const reset = (body: unknown = { task_id: 'T4_rate_limit_429', seed: 11 }): Promise<HttpEpisode> =>
  httpReset(app, body);
const getInfo = { type: 'call_tool', tool_name: 'get_task_info', arguments: {} };

describe('POST /reset', () => {
  it('accepts no body at all and returns the observation triple with the task, episode id and tools, and the episode token', async () => {
    const r = await call(app, 'POST', '/reset');
    expect(r.status).toBe(200);
    expect(Object.keys(r.body).sort()).toEqual(['done', 'episode_token', 'observation', 'reward']);
    expect(r.body.episode_token).toMatch(/^[0-9a-f]{32}$/);
    expect(r.headers['x-episode-token']).toBe(r.body.episode_token);
    expect(r.body.reward).toBe(0);
    expect(r.body.done).toBe(false);
    const o = r.body.observation;
    expect(o.task_id).toBe('T1_single_page');
    for (const k of [
      'episode_id',
      'seed',
      'description',
      'instructions',
      'query',
      'primary_key',
      'row_schema',
      'constraints',
      'tools',
    ]) {
      expect(o, k).toHaveProperty(k);
    }
    expect(o.tools.map((t: { name: string }) => t.name)).toEqual([
      'get_task_info',
      'fetch_page',
      'submit_results',
    ]);
    expect(o.tools[0]).toHaveProperty('input_schema');
  });

  it('accepts an empty JSON body, and task_id, seed, profile and a client episode_id', async () => {
    const empty = await app.inject({
      method: 'POST',
      url: '/reset',
      headers: { 'content-type': 'application/json' },
      payload: '',
    });
    expect(empty.statusCode).toBe(200);
    const r = await call(app, 'POST', '/reset', {
      task_id: 'T2_multi_page',
      seed: 5,
      profile: 'llm',
      episode_id: 'client-chosen-1',
    });
    expect(r.status).toBe(200);
    expect(r.body.observation).toMatchObject({
      task_id: 'T2_multi_page',
      seed: 5,
      profile: 'llm',
      episode_id: 'client-chosen-1',
    });
  });

  it('refuses a live episode_id, a negative seed, an unknown task and an unknown profile with typed errors', async () => {
    await reset({ episode_id: 'taken-1' });
    expectError(await call(app, 'POST', '/reset', { episode_id: 'taken-1' }), 409, 'CB_ERR_EPISODE_CONFLICT');
    const neg = await call(app, 'POST', '/reset', { seed: -1 });
    expectError(neg, 422, 'CB_ERR_VALIDATION');
    expect(neg.body.detail[0].loc).toEqual(['seed']);
    expectError(await call(app, 'POST', '/reset', { task_id: 'T99_nope' }), 404, 'CB_ERR_UNKNOWN_TASK');
    expectError(
      await call(app, 'POST', '/reset', { task_id: 'T1_single_page', profile: 'huge' }),
      422,
      'CB_ERR_UNKNOWN_PROFILE',
    );
    expectError(await call(app, 'POST', '/reset', [1, 2]), 422, 'CB_ERR_VALIDATION');
  });
});

describe('POST /step and GET /state', () => {
  it('reaches the episode with its X-Episode-Token, names it by body, ?episode_id= or X-Episode-Id, and state counts every step', async () => {
    const { id, auth } = await reset();
    const a = await call(app, 'POST', '/step', { action: getInfo, episode_id: id }, auth);
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({
      reward: 0,
      done: false,
      observation: { tool_name: 'get_task_info', error: null },
    });
    expect(a.body.observation.result).toMatchObject({
      is_error: false,
      data: { task_id: 'T4_rate_limit_429' },
    });
    expect(a.body.observation.result.structured_content).toEqual(a.body.observation.result.data);
    expect((await call(app, 'POST', `/step?episode_id=${id}`, { action: getInfo }, auth)).status).toBe(200);
    expect(
      (await call(app, 'POST', '/step', { action: getInfo }, { 'x-episode-id': id, ...auth })).status,
    ).toBe(200);
    expect((await call(app, 'POST', '/step', { action: getInfo }, auth)).status).toBe(200);
    const viaQuery = await call(app, 'GET', `/state?episode_id=${id}`, undefined, auth);
    expect(viaQuery.status).toBe(200);
    expect(viaQuery.body).toMatchObject({
      episode_id: id,
      step_count: 4,
      task_id: 'T4_rate_limit_429',
      done: false,
    });
    const viaHeader = await call(app, 'GET', '/state', undefined, { 'x-episode-id': id, ...auth });
    expect(viaHeader.body).toEqual(viaQuery.body);
    expect((await call(app, 'GET', '/state', undefined, auth)).body).toEqual(viaQuery.body);
  });

  it('names the fix for a bare (unwrapped) action, a non-object action and a bad action', async () => {
    const { id, auth } = await reset();
    const bare = await call(app, 'POST', '/step', { ...getInfo, episode_id: id }, auth);
    expectError(bare, 422, 'CB_ERR_VALIDATION');
    expect(bare.body.error.message).toContain('{"action": {');
    expect(bare.body.detail[0].loc).toEqual(['action']);
    expectError(
      await call(app, 'POST', '/step', { action: 5, episode_id: id }, auth),
      422,
      'CB_ERR_VALIDATION',
    );
    expectError(
      await call(app, 'POST', '/step', { action: { type: 'bogus' }, episode_id: id }, auth),
      422,
      'CB_ERR_VALIDATION',
    );
    expectError(
      await call(app, 'POST', '/step', { action: { ...getInfo, extra: 1 }, episode_id: id }, auth),
      422,
      'CB_ERR_VALIDATION',
    );
    expectError(await call(app, 'POST', '/step'), 422, 'CB_ERR_VALIDATION');
  });

  it('refuses a missing token, an unknown episode_id and an ambiguous one with a message naming the fix', async () => {
    const { id, auth } = await reset();
    const missing = await call(app, 'POST', '/step', { action: getInfo, episode_id: id });
    expectError(missing, 401, 'CB_ERR_EPISODE_TOKEN_REQUIRED');
    expect(missing.body.error.message).toContain('X-Episode-Token');
    expectError(await call(app, 'GET', '/state'), 401, 'CB_ERR_EPISODE_TOKEN_REQUIRED');
    expectError(
      await call(app, 'POST', '/step', { action: getInfo, episode_id: 'never-was' }, auth),
      404,
      'CB_ERR_EPISODE_NOT_FOUND',
    );
    expectError(
      await call(app, 'GET', '/state?episode_id=never-was', undefined, auth),
      404,
      'CB_ERR_EPISODE_NOT_FOUND',
    );
    expectError(
      await call(
        app,
        'POST',
        '/step',
        { action: getInfo, episode_id: id },
        { 'x-episode-id': 'other', ...auth },
      ),
      422,
      'CB_ERR_EPISODE_ID_AMBIGUOUS',
    );
    expectError(
      await call(app, 'GET', `/state?episode_id=${id}&episode_id=${id}`, undefined, auth),
      422,
      'CB_ERR_EPISODE_ID_AMBIGUOUS',
    );
  });

  it('reports tool-level problems inside the observation, as OpenEnv MCP does', async () => {
    const { id, auth } = await reset();
    const unknown = await call(
      app,
      'POST',
      '/step',
      { action: { type: 'call_tool', tool_name: 'nope' }, episode_id: id },
      auth,
    );
    expect(unknown.status).toBe(200);
    expect(unknown.body.observation).toMatchObject({
      tool_name: 'nope',
      result: null,
      error: { error_type: 'tool_not_found' },
    });
    expect(Object.keys(unknown.body.observation.error).sort()).toEqual(['error_type', 'message']);
    const bad = await call(
      app,
      'POST',
      '/step',
      { action: { type: 'call_tool', tool_name: 'fetch_page', arguments: { page: 0 } }, episode_id: id },
      auth,
    );
    expect(bad.status).toBe(200);
    expect(bad.body.observation.result.is_error).toBe(true);
    expect(bad.body.observation.result.structured_content.error.code).toBe('CB_ERR_INVALID_ARGUMENT');
    const list = await call(app, 'POST', '/step', { action: { type: 'list_tools' }, episode_id: id }, auth);
    expect(list.body.observation.tools).toHaveLength(3);
  });

  it('ends with done true and reward = score / 100, frees the slot, keeps the state readable and refuses later steps', async () => {
    const env = new InjectEnv(app);
    const before = store.stats().active_sessions;
    const result = await runEpisode(env, reference, { task_id: 'T1_single_page', seed: 3 });
    expect(result.score).toBe(100);
    expect(store.stats().active_sessions).toBe(before);
    const { id, auth } = env.episode!;
    const state = await call(app, 'GET', `/state?episode_id=${id}`, undefined, auth);
    expect(state.body).toMatchObject({ episode_id: id, done: true, end_reason: 'submitted', score: 100 });
    const after = await call(app, 'POST', '/step', { action: getInfo, episode_id: id }, auth);
    expectError(after, 409, 'CB_ERR_EPISODE_DONE');
    const list = await call(app, 'POST', '/step', { action: { type: 'list_tools' } }, auth);
    expect(list.body).toMatchObject({ done: true, reward: 1 });
  });

  it('puts the terminal reward on the OpenEnv observation and the breakdown in the tool result', async () => {
    const { auth } = await reset({ task_id: 'T1_single_page', seed: 4 });
    const submit = await call(
      app,
      'POST',
      '/step',
      { action: { type: 'call_tool', tool_name: 'submit_results', arguments: { rows: [] } } },
      auth,
    );
    expect(submit.status).toBe(200);
    expect(submit.body.done).toBe(true);
    const value = submit.body.observation.result.data;
    expect(value).toMatchObject({ done: true, end_reason: 'submitted' });
    expect(submit.body.reward).toBeCloseTo(value.score / 100, 12);
    expect(value.breakdown).toHaveProperty('dimensions');
  });
});

describe('read-only routes', () => {
  it('GET /health, /metadata, /schema and /tasks', async () => {
    expect((await call(app, 'GET', '/health')).body).toEqual({ status: 'healthy' });
    const meta = (await call(app, 'GET', '/metadata')).body;
    expect(Object.keys(meta).sort()).toEqual([
      'author',
      'description',
      'documentation_url',
      'name',
      'readme_content',
      'version',
    ]);
    expect(meta.name).toBe('comtradebench');
    for (const v of Object.values(meta)) expect(typeof v).toBe('string');
    const schema = (await call(app, 'GET', '/schema')).body;
    for (const k of ['action', 'observation', 'state']) expect(schema[k]).toBeTypeOf('object');
    expect(JSON.stringify(schema.action)).toContain('call_tool');
    expect(schema.state.properties).toHaveProperty('episode_id');
    expect(schema.state.properties).toHaveProperty('step_count');
    const { tasks } = (await call(app, 'GET', '/tasks')).body;
    expect(tasks.map((t: { id: string }) => t.id)).toEqual(catalog.ids);
    for (const t of tasks) {
      for (const k of [
        'id',
        'title',
        'challenge',
        'description',
        'default_page_size',
        'max_page_size',
        'request_budget',
        'profiles',
      ])
        expect(t).toHaveProperty(k);
      expect(t).not.toHaveProperty('faults');
      expect(t).not.toHaveProperty('instance');
    }
    // The constraints a task's rules add, named as the reset observation's constraints name them.
    for (const [id, extra] of [
      ['T16_cursor_pagination', 'pagination'],
      ['T11_auth_expiry', 'token_ttl_s'],
      ['T14_timeouts', 'timeout_s'],
    ] as const) {
      const entry = tasks.find((t: { id: string }) => t.id === id);
      const reset = (await call(app, 'POST', '/reset', { task_id: id, seed: 0 })).body;
      expect(entry[extra]).toBeDefined();
      expect(entry[extra]).toEqual(reset.observation.constraints[extra]);
    }
    expect(tasks.find((t: { id: string }) => t.id === 'T1_single_page')).not.toHaveProperty('pagination');
  });

  it('GET /openapi.json lists the HTTP routes (not /ws), and /docs serves Swagger UI', async () => {
    const doc = (await call(app, 'GET', '/openapi.json')).body;
    expect(doc.info.version).toBe('1.0.0');
    expect(typeof doc.info.title).toBe('string');
    for (const p of [
      '/reset',
      '/step',
      '/state',
      '/episodes/{id}',
      '/health',
      '/metadata',
      '/schema',
      '/tasks',
      '/mcp',
    ])
      expect(Object.keys(doc.paths)).toContain(p);
    expect(Object.keys(doc.paths)).not.toContain('/ws');
    expect(Object.keys(doc.paths)).not.toContain('/openapi.json');
    const docs = await app.inject({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toContain('text/html');
  });
});

describe('transport errors', () => {
  it('answers every bad request with JSON and a stable code, and keeps serving', async () => {
    const text = await app.inject({
      method: 'POST',
      url: '/reset',
      headers: { 'content-type': 'text/plain' },
      payload: '{}',
    });
    expectError(
      { status: text.statusCode, body: text.json(), headers: text.headers },
      415,
      'CB_ERR_UNSUPPORTED_MEDIA_TYPE',
    );
    const form = await app.inject({
      method: 'POST',
      url: '/reset',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'a=1',
    });
    expect(form.json().error.code).toBe('CB_ERR_UNSUPPORTED_MEDIA_TYPE');
    expectError(await call(app, 'POST', '/reset', '{"task_id": '), 400, 'CB_ERR_INVALID_JSON');
    expectError(await call(app, 'POST', '/step', '{bad json'), 400, 'CB_ERR_INVALID_JSON');
    expectError(await call(app, 'GET', '/no/such/route'), 404, 'CB_ERR_NOT_FOUND');
    const wrong = await call(app, 'GET', '/reset');
    expectError(wrong, 405, 'CB_ERR_METHOD_NOT_ALLOWED');
    expect(wrong.headers.allow).toBe('POST');
    expectError(await call(app, 'DELETE', '/health'), 405, 'CB_ERR_METHOD_NOT_ALLOWED');
    const ws = await call(app, 'GET', '/ws');
    expectError(ws, 426, 'CB_ERR_UPGRADE_REQUIRED');
    expect(ws.headers.upgrade).toBe('websocket');
    const boom = await call(app, 'GET', '/test-only/boom');
    expectError(boom, 500, 'CB_ERR_INTERNAL');
    expect(JSON.stringify(boom.body)).not.toContain('secret internals');
    // Still serving, and a full reset/step works.
    expect((await call(app, 'GET', '/health')).status).toBe(200);
    const { auth } = await reset();
    expect((await call(app, 'POST', '/step', { action: getInfo }, auth)).status).toBe(200);
  });

  it('refuses a body over MAX_BODY_BYTES with 413', async () => {
    const small = buildApp(testConfig({ MAX_BODY_BYTES: 2048 }), { catalog });
    try {
      const big = await call(small, 'POST', '/reset', { task_id: 'T1_single_page', pad: 'x'.repeat(4096) });
      expectError(big, 413, 'CB_ERR_BODY_TOO_LARGE');
      expect(big.body.error.max_body_bytes).toBe(2048);
      expect(
        (await call(small, 'POST', '/reset', { task_id: 'T1_single_page', pad: 'x'.repeat(1024) })).status,
      ).toBe(200);
    } finally {
      await small.close();
    }
  });

  it('refuses sessions over capacity with 503 CB_ERR_CAPACITY', async () => {
    const tiny = buildApp(testConfig({ MAX_CONCURRENT_ENVS: 1 }), { catalog });
    try {
      expect((await call(tiny, 'POST', '/reset')).status).toBe(200);
      const full = await call(tiny, 'POST', '/reset');
      expectError(full, 503, 'CB_ERR_CAPACITY');
      expect(full.body.error).toMatchObject({ active_sessions: 1, max_sessions: 1 });
    } finally {
      await tiny.close();
    }
  });
});
