/**
 * An HTTP episode belongs to whoever holds the token POST /reset handed out; its id is an address, never a
 * credential. A second client that knows the id (it is in every observation) but not the token can
 * neither step, read, close nor overwrite the episode, and cannot tell a wrong token from an unknown id;
 * the owner still can do everything. /ws and MCP episodes are not reachable by episode id at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionStore } from '../../src/env/sessions.js';
import { buildApp } from '../../src/server/app.js';
import { call, catalog, expectError, httpReset, type Json, listen, testConfig, WsProbe } from './helpers.js';

const store = new SessionStore({ catalog, capacity: 64, idleTimeoutMs: 900_000 });
const app = buildApp(testConfig({ ENABLE_WEB_INTERFACE: true }), { store });
let base = '';
beforeAll(async () => {
  base = await listen(app);
});
afterAll(() => app.close());

const getInfo = { type: 'call_tool', tool_name: 'get_task_info', arguments: {} };
/** An error body without its request id (which differs per request). */
const bodyOf = (r: { body: Json }): Json => ({ ...r.body, error: { ...r.body.error, request_id: '…' } });

describe('HTTP episodes and their tokens', () => {
  it('every reset hands out a fresh 128-bit token, in the body and the x-episode-token header', async () => {
    const tokens = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const e = await httpReset(app, { task_id: 'T1_single_page', seed: i });
      expect(e.token).toMatch(/^[0-9a-f]{32}$/);
      tokens.add(e.token);
      expect((await call(app, 'DELETE', `/episodes/${e.id}`, undefined, e.auth)).status).toBe(204);
    }
    expect(tokens.size).toBe(20);
  });

  it('a second client with the id but not the token can neither step, read state, close nor overwrite it', async () => {
    const owner = await httpReset(app, { task_id: 'T4_rate_limit_429', seed: 3, episode_id: 'shared-id-1' });
    const other = await httpReset(app, { task_id: 'T1_single_page', seed: 1 }); // a valid token, not owner's
    const wrong = { 'x-episode-token': 'f'.repeat(32) };
    const stranger = [{}, wrong, other.auth];

    for (const headers of stranger) {
      const step = await call(app, 'POST', '/step', { action: getInfo, episode_id: owner.id }, headers);
      const state = await call(app, 'GET', `/state?episode_id=${owner.id}`, undefined, headers);
      const close = await call(app, 'DELETE', `/episodes/${owner.id}`, undefined, headers);
      const viaHeader = await call(app, 'GET', '/state', undefined, { 'x-episode-id': owner.id, ...headers });
      if (Object.keys(headers).length === 0) {
        for (const r of [step, state, close, viaHeader]) expectError(r, 401, 'CB_ERR_EPISODE_TOKEN_REQUIRED');
      } else {
        for (const r of [step, state, close, viaHeader]) expectError(r, 404, 'CB_ERR_EPISODE_NOT_FOUND');
      }
    }
    // Overwriting by resetting with the same id is refused, from anyone, with or without a token.
    for (const headers of [{}, other.auth, owner.auth]) {
      const again = await call(
        app,
        'POST',
        '/reset',
        { episode_id: owner.id, task_id: 'T1_single_page' },
        headers,
      );
      expectError(again, 409, 'CB_ERR_EPISODE_CONFLICT');
    }
    // Nothing moved: the owner's episode is exactly where the owner left it, and the owner can do everything.
    const state = await call(app, 'GET', `/state?episode_id=${owner.id}`, undefined, owner.auth);
    expect(state.body).toMatchObject({
      episode_id: 'shared-id-1',
      task_id: 'T4_rate_limit_429',
      step_count: 0,
      done: false,
    });
    const step = await call(app, 'POST', '/step', { action: getInfo, episode_id: owner.id }, owner.auth);
    expect(step.body.observation.result.data).toMatchObject({ task_id: 'T4_rate_limit_429', seed: 3 });
    expect((await call(app, 'DELETE', `/episodes/${owner.id}`, undefined, owner.auth)).status).toBe(204);
    const closed = await call(app, 'GET', '/state', undefined, owner.auth);
    expect(closed.body).toMatchObject({
      episode_id: 'shared-id-1',
      step_count: 1,
      done: true,
      end_reason: 'closed',
    });
    // A finished episode that is still kept keeps its id: resetting with it is still refused.
    expectError(await call(app, 'POST', '/reset', { episode_id: owner.id }), 409, 'CB_ERR_EPISODE_CONFLICT');
    await call(app, 'DELETE', `/episodes/${other.id}`, undefined, other.auth);
  });

  it('a wrong token and an unknown id get the same reply, so a reply never tells whether an id exists', async () => {
    const e = await httpReset(app, { task_id: 'T1_single_page', seed: 2, episode_id: 'exists-1' });
    const wrong = { 'x-episode-token': '0'.repeat(32) };
    const known = await call(app, 'GET', '/state?episode_id=exists-1', undefined, wrong);
    const unknown = await call(app, 'GET', '/state?episode_id=exists-2', undefined, wrong);
    expect(bodyOf(known)).toEqual({
      ...bodyOf(unknown),
      error: {
        ...bodyOf(unknown).error,
        message: bodyOf(unknown).error.message.replace('exists-2', 'exists-1'),
      },
      detail: unknown.body.detail.replace('exists-2', 'exists-1'),
    });
    expect(known.status).toBe(unknown.status);
    // The token alone addresses its episode; with an id, the id must be the token's episode.
    expect((await call(app, 'GET', '/state', undefined, e.auth)).body.episode_id).toBe('exists-1');
    expectError(
      await call(app, 'GET', '/state?episode_id=exists-2', undefined, e.auth),
      404,
      'CB_ERR_EPISODE_NOT_FOUND',
    );
    await call(app, 'DELETE', '/episodes/exists-1', undefined, e.auth);
  });
});

describe('/ws and MCP episodes are held by their connection or session, never by episode id', () => {
  it('a /ws episode id reaches nothing over HTTP, /web or JSON-RPC, and cannot be taken over by a reset', async () => {
    const ws = await WsProbe.open(base);
    try {
      await ws.ask({
        type: 'reset',
        data: { task_id: 'T2_multi_page', seed: 5, episode_id: 'ws-episode-1' },
      });
      const someone = await httpReset(app, { task_id: 'T1_single_page', seed: 1 });
      expectError(
        await call(app, 'GET', '/state?episode_id=ws-episode-1', undefined, someone.auth),
        404,
        'CB_ERR_EPISODE_NOT_FOUND',
      );
      expectError(
        await call(app, 'POST', '/web/step', { action: getInfo, episode_id: 'ws-episode-1' }, someone.auth),
        404,
        'CB_ERR_EPISODE_NOT_FOUND',
      );
      expectError(
        await call(app, 'DELETE', '/episodes/ws-episode-1', undefined, someone.auth),
        404,
        'CB_ERR_EPISODE_NOT_FOUND',
      );
      expectError(
        await call(app, 'POST', '/reset', { episode_id: 'ws-episode-1' }),
        409,
        'CB_ERR_EPISODE_CONFLICT',
      );
      const rpc = await call(app, 'POST', '/mcp', {
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { session_id: 'ws-episode-1', name: 'get_task_info' },
      });
      expect(rpc.body.error.data.code).toBe('CB_ERR_SESSION_NOT_FOUND');
      const mine = await ws.ask({ type: 'state' });
      expect(mine.data).toMatchObject({
        episode_id: 'ws-episode-1',
        task_id: 'T2_multi_page',
        step_count: 0,
        done: false,
      });
      await call(app, 'DELETE', `/episodes/${someone.id}`, undefined, someone.auth);
    } finally {
      ws.socket.close();
    }
  });

  it("an MCP session episode is reached by its session id only; its episode id is nobody's credential", async () => {
    const rpc = (method: string, params: Record<string, unknown>) =>
      call(app, 'POST', '/mcp', { jsonrpc: '2.0', id: 1, method, params });
    const created = (await rpc('openenv/session/create', { task_id: 'T1_single_page', seed: 8 })).body.result;
    const byEpisode = await rpc('tools/call', { session_id: created.episode_id, name: 'get_task_info' });
    expect(byEpisode.body.error.data.code).toBe('CB_ERR_SESSION_NOT_FOUND');
    const someone = await httpReset(app, {});
    expectError(
      await call(app, 'GET', `/state?episode_id=${created.episode_id}`, undefined, someone.auth),
      404,
      'CB_ERR_EPISODE_NOT_FOUND',
    );
    const bySession = await rpc('tools/call', { session_id: created.session_id, name: 'get_task_info' });
    expect(bySession.body.result.data).toMatchObject({ task_id: 'T1_single_page', seed: 8 });
    await rpc('openenv/session/close', { session_id: created.session_id });
    await call(app, 'DELETE', `/episodes/${someone.id}`, undefined, someone.auth);
  });
});

describe('SessionStore.ownedEpisode, the one way to an HTTP episode', () => {
  it('needs the token, returns the episode it opens, and refuses ids the token does not open', () => {
    const s = new SessionStore({ catalog, capacity: 4, idleTimeoutMs: 60_000 });
    const a = s.httpReset({ task_id: 'T1_single_page', seed: 1, episode_id: 'a' });
    const b = s.httpReset({ task_id: 'T1_single_page', seed: 2, episode_id: 'b' });
    expect(s.ownedEpisode('a', a.token)).toBe(a.session);
    expect(s.ownedEpisode(undefined, b.token)).toBe(b.session);
    expect(() => s.ownedEpisode('a', undefined)).toThrow(
      expect.objectContaining({ code: 'CB_ERR_EPISODE_TOKEN_REQUIRED' }),
    );
    expect(() => s.ownedEpisode('a', b.token)).toThrow(
      expect.objectContaining({ code: 'CB_ERR_EPISODE_NOT_FOUND' }),
    );
    expect(() => s.ownedEpisode('constructor', a.token)).toThrow(
      expect.objectContaining({ code: 'CB_ERR_EPISODE_NOT_FOUND' }),
    );
    expect(() => s.ownedEpisode(undefined, `${a.token}0`)).toThrow(
      expect.objectContaining({ code: 'CB_ERR_EPISODE_NOT_FOUND' }),
    );
  });
});
