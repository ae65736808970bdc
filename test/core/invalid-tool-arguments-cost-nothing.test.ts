/**
 * Every tool's invalid-argument paths: a typed tool error that costs no request, leaves the clock, trace,
 * budget and page-size lock unchanged, and increments only step_count. Reaching max_steps ends the episode
 * with end_reason step_limit and reward 0.
 */
import { describe, expect, it } from 'vitest';
import { Episode } from '../../src/core/episode.js';
import { catalog, cleanRows, errorCode, okValue, walkAllPages } from './helpers.js';

function episode(taskId = 'T4_rate_limit_429', seed = 0): Episode {
  return new Episode({ task: catalog.resolve(taskId), seed, episodeId: 'args' });
}

/** Everything a free tool error must leave unchanged, plus step_count. */
function snapshot(ep: Episode) {
  return {
    requests: ep.api.requestsUsed,
    clock: ep.api.clockMs,
    trace: ep.api.trace.length,
    lock: ep.api.pageSize,
    window: ep.api.windowEndMs,
    steps: ep.stepCount,
    remaining: ep.state().requests_remaining,
  };
}

/** Calls a tool that must fail with `code` and must change nothing but step_count. */
function expectFreeError(ep: Episode, name: string, args: unknown, code: string): string {
  const before = snapshot(ep);
  const r = ep.runTool(name, args);
  const where = `${name} ${JSON.stringify(args)}`;
  expect(errorCode(r), where).toBe(code);
  expect(r.done, where).toBe(false);
  expect(snapshot(ep), where).toEqual({ ...before, steps: before.steps + 1 });
  return r.outcome.ok ? '' : r.outcome.error.message;
}

describe('invalid arguments are free tool errors', () => {
  it('fetch_page: bad page values', () => {
    const ep = episode();
    for (const args of [
      { page: 0 },
      { page: -1 },
      { page: 1.5 },
      { page: '1' },
      { page: null },
      { page: Number.NaN },
      { page: Number.POSITIVE_INFINITY },
      {},
      { page_size: 25 },
      { page: [1] },
    ]) {
      expectFreeError(ep, 'fetch_page', args, 'CB_ERR_INVALID_ARGUMENT');
    }
    expect(ep.api.pageSize).toBe(null); // nothing was locked
  });

  it('fetch_page: bad page_size values quote only static limits and do not lock the page size', () => {
    const ep = episode('T10_constrained_budget');
    const max = ep.task.max_page_size;
    for (const size of [0, -5, max + 1, 10_000, 2.5, '50', null]) {
      const msg = expectFreeError(ep, 'fetch_page', { page: 1, page_size: size }, 'CB_ERR_INVALID_ARGUMENT');
      expect(msg).toMatch(/page_size/);
    }
    const msg = expectFreeError(ep, 'fetch_page', { page: 1, page_size: max + 1 }, 'CB_ERR_INVALID_ARGUMENT');
    expect(msg).toContain(String(max));
    // A valid fetch with another size than the default still works: nothing was locked by the errors.
    expect(okValue(ep.runTool('fetch_page', { page: 1, page_size: max })).page_size).toBe(max);
  });

  it('fetch_page: wait_s out of [0, max_wait_s] or mistyped', () => {
    const ep = episode();
    const maxWait = ep.task.max_wait_s;
    for (const w of [-1, -0.001, maxWait + 1, maxWait + 0.5, '1', null, Number.NaN]) {
      expectFreeError(ep, 'fetch_page', { page: 1, wait_s: w }, 'CB_ERR_INVALID_ARGUMENT');
    }
    // The boundary is valid and advances the clock by exactly the wait plus latency.
    okValue(ep.runTool('fetch_page', { page: 1, wait_s: maxWait }));
    expect(ep.api.clockMs).toBe(maxWait * 1000 + ep.task.latency_ms);
  });

  it('fetch_page: unknown arguments and non-object arguments', () => {
    const ep = episode();
    for (const args of [{ page: 1, foo: 1 }, { page: 1, pageSize: 25 }, 'page=1', [1], 7]) {
      expectFreeError(ep, 'fetch_page', args, 'CB_ERR_INVALID_ARGUMENT');
    }
  });

  it('fetch_page: page_size is locked by the first valid fetch (explicit or default)', () => {
    const explicit = episode('T10_constrained_budget');
    const max = explicit.task.max_page_size;
    okValue(explicit.runTool('fetch_page', { page: 1, page_size: max }));
    for (const size of [max - 1, 20, 1]) {
      const msg = expectFreeError(
        explicit,
        'fetch_page',
        { page: 2, page_size: size },
        'CB_ERR_PAGE_SIZE_LOCKED',
      );
      expect(msg).toContain(String(max));
    }
    // Omitting page_size, or repeating the locked one, is fine.
    expect(okValue(explicit.runTool('fetch_page', { page: 2 })).page_size).toBe(max);
    expect(okValue(explicit.runTool('fetch_page', { page: 3, page_size: max })).page_size).toBe(max);

    const byDefault = episode('T10_constrained_budget');
    okValue(byDefault.runTool('fetch_page', { page: 1 }));
    expect(byDefault.api.pageSize).toBe(byDefault.task.default_page_size);
    expectFreeError(byDefault, 'fetch_page', { page: 2, page_size: max }, 'CB_ERR_PAGE_SIZE_LOCKED');
  });

  it('get_task_info takes no arguments', () => {
    const ep = episode();
    for (const args of [{ verbose: true }, { page: 1 }, 'info', [0]]) {
      expectFreeError(ep, 'get_task_info', args, 'CB_ERR_INVALID_ARGUMENT');
    }
    expect(okValue(ep.runTool('get_task_info', {})).task_id).toBe('T4_rate_limit_429');
  });

  it('an unknown tool is CB_ERR_UNKNOWN_TOOL and names the tools', () => {
    const ep = episode();
    for (const name of ['fetch_pages', 'reset', '', 'FETCH_PAGE', '__proto__', 'constructor']) {
      const msg = expectFreeError(ep, name, { page: 1 }, 'CB_ERR_UNKNOWN_TOOL');
      expect(msg).toContain('fetch_page');
    }
  });

  it('free calls do not count as requests: a whole walk after many errors costs exactly what it costs alone', () => {
    const noisy = episode('T8_mixed_faults', 4);
    for (let i = 0; i < 30; i++) noisy.runTool(i % 2 === 0 ? 'fetch_page' : 'nope', { page: -i });
    const a = walkAllPages(noisy);
    const quiet = episode('T8_mixed_faults', 4);
    const b = walkAllPages(quiet);
    expect(noisy.api.requestsUsed).toBe(quiet.api.requestsUsed);
    expect(noisy.api.clockMs).toBe(quiet.api.clockMs);
    expect(a.log).toEqual(b.log);
    expect(noisy.stepCount).toBe(quiet.stepCount + 30);
  });
});

describe('the arguments of tokens and cursors are free tool errors naming the argument', () => {
  /** A cursor text with one hex digit changed (still well-formed). */
  const tampered = (c: string, at: number) => c.slice(0, at) + (c[at] === '0' ? '1' : '0') + c.slice(at + 1);

  it('a page-paginated task without auth refuses cursor and auth_token, naming the task', () => {
    const ep = episode('T4_rate_limit_429');
    const cursor = expectFreeError(ep, 'fetch_page', { page: 1, cursor: 'cur_x' }, 'CB_ERR_INVALID_ARGUMENT');
    expect(cursor).toMatch(/cursor: T4_rate_limit_429 is paginated by page number/);
    const token = expectFreeError(ep, 'fetch_page', { page: 1, auth_token: 't' }, 'CB_ERR_INVALID_ARGUMENT');
    expect(token).toMatch(/auth_token: T4_rate_limit_429 does not use auth_token/);
    const page = expectFreeError(ep, 'fetch_page', {}, 'CB_ERR_INVALID_ARGUMENT');
    expect(page).toMatch(/page: required/);
    expect(ep.api.pageSize).toBe(null);
  });

  it('T11: a missing, forged, mistyped or foreign auth_token costs nothing; the issued one works', () => {
    const ep = episode('T11_auth_expiry');
    const info = okValue(ep.runTool('get_task_info', {}));
    const token = (info.auth as { auth_token: string }).auth_token;
    expect(token).toMatch(/^tok_[0-9a-f]{16}$/);
    const missing = expectFreeError(ep, 'fetch_page', { page: 1 }, 'CB_ERR_INVALID_ARGUMENT');
    expect(missing).toMatch(/auth_token: required on T11_auth_expiry/);
    // A token of the same task and seed cannot be guessed from another seed's episode.
    const other = episode('T11_auth_expiry', 1);
    const foreign = (okValue(other.runTool('get_task_info', {})).auth as { auth_token: string }).auth_token;
    expect(foreign).not.toBe(token);
    for (const bad of [foreign, tampered(token, 6), 'tok_0000000000000000', '', token.toUpperCase()]) {
      const msg = expectFreeError(ep, 'fetch_page', { page: 1, auth_token: bad }, 'CB_ERR_INVALID_ARGUMENT');
      expect(msg).toMatch(/auth_token: not a token this episode issued/);
    }
    for (const bad of [7, null, ['t'], 'x'.repeat(101)]) {
      expectFreeError(ep, 'fetch_page', { page: 1, auth_token: bad }, 'CB_ERR_INVALID_ARGUMENT');
    }
    expectFreeError(ep, 'fetch_page', { page: 1, auth_token: token, cursor: 'c' }, 'CB_ERR_INVALID_ARGUMENT');
    expect(ep.api.pageSize).toBe(null);
    expect(okValue(ep.runTool('fetch_page', { page: 1, auth_token: token })).status).toBe(200);
  });

  it('T16: page, a malformed, tampered or foreign cursor cost nothing; no cursor starts at page 1', () => {
    const ep = episode('T16_cursor_pagination');
    const page = expectFreeError(ep, 'fetch_page', { page: 1 }, 'CB_ERR_INVALID_ARGUMENT');
    expect(page).toMatch(/page: T16_cursor_pagination is paginated by cursor/);
    const other = episode('T16_cursor_pagination', 1);
    const foreign = okValue(other.runTool('fetch_page', {})).next_cursor as string;
    for (const bad of ['', 'cur_', 'garbage', foreign, tampered(foreign, 4), tampered(foreign, 20)]) {
      const msg = expectFreeError(ep, 'fetch_page', { cursor: bad }, 'CB_ERR_INVALID_ARGUMENT');
      expect(msg).toMatch(/cursor: not a cursor of this episode/);
    }
    for (const bad of [7, null, { page: 2 }, 'c'.repeat(101)]) {
      expectFreeError(ep, 'fetch_page', { cursor: bad }, 'CB_ERR_INVALID_ARGUMENT');
    }
    expectFreeError(ep, 'fetch_page', { auth_token: 't' }, 'CB_ERR_INVALID_ARGUMENT');
    expect(ep.api.pageSize).toBe(null);
    const first = okValue(ep.runTool('fetch_page', {}));
    expect([first.status, first.page, first.has_more]).toEqual([200, 1, true]);
    const next = first.next_cursor as string;
    expect(next).toMatch(/^cur_[0-9a-f]{32}$/);
    // Every hex digit of a cursor is covered by its check.
    for (let at = 4; at < next.length; at++) {
      expectFreeError(ep, 'fetch_page', { cursor: tampered(next, at) }, 'CB_ERR_INVALID_ARGUMENT');
    }
    expect(okValue(ep.runTool('fetch_page', { cursor: next })).page).toBe(2);

    // A cursor of another episode of the same instance whose listing opened later than this clock (a listing
    // that would outlive this episode's) is refused; one that opened earlier is a cursor this episode could hold.
    const ahead = episode('T16_cursor_pagination');
    okValue(ahead.runTool('fetch_page', { wait_s: 30 }));
    const later = okValue(ahead.runTool('fetch_page', {})).next_cursor as string;
    const msg = expectFreeError(ep, 'fetch_page', { cursor: later }, 'CB_ERR_INVALID_ARGUMENT');
    expect(msg).toMatch(/cursor: not a cursor of this episode/);
    const same = episode('T16_cursor_pagination');
    okValue(same.runTool('fetch_page', {}));
    expect(okValue(same.runTool('fetch_page', { cursor: next })).page).toBe(2);
  });
});

describe('the step limit', () => {
  it('max_steps calls of get_task_info end the episode with step_limit and reward 0', () => {
    const ep = episode('T1_single_page');
    const maxSteps = ep.task.max_steps;
    expect(maxSteps).toBe(3 * ep.task.request_budget + 20);
    for (let i = 1; i < maxSteps; i++) {
      const r = ep.runTool('get_task_info', {});
      expect(r.done).toBe(false);
    }
    const last = ep.runTool('get_task_info', {});
    expect(last.done).toBe(true);
    expect(last.reward).toBe(0);
    expect(ep.endReason).toBe('step_limit');
    expect(ep.breakdown!.score).toBe(0);
    expect(ep.breakdown!.end_reason).toBe('step_limit');
    expect(errorCode(ep.runTool('submit_results', { rows: [] }))).toBe('CB_ERR_EPISODE_DONE');
  });

  it('invalid calls count towards the step limit, and a step-limited episode scores 0 even with all rows held', () => {
    const ep = episode('T1_single_page');
    const { served, log } = walkAllPages(ep);
    const rows = cleanRows(served);
    let last: ReturnType<Episode['runTool']> | undefined;
    while (ep.stepCount < ep.task.max_steps) last = ep.runTool('fetch_page', { page: 0 });
    expect(last!.done).toBe(true);
    expect(last!.reward).toBe(0);
    expect(ep.endReason).toBe('step_limit');
    expect(ep.breakdown!.score).toBe(0);
    expect(ep.breakdown!.evidence.end_reason).toBe('step_limit');
    const late = ep.runTool('submit_results', { rows, run_log: log });
    expect(errorCode(late)).toBe('CB_ERR_EPISODE_DONE');
    expect(ep.breakdown!.score).toBe(0);
  });
});
