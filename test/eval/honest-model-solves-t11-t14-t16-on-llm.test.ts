/**
 * The harder tier through the model harness: a model that follows the rules get_task_info states (refresh the
 * auth_token after a 401, retry a 504, follow next_cursor and a 410's restart_cursor), played by a reactive
 * script behind a fake OpenAI-compatible server, scores at least 99 on T11, T14 and T16 on the llm profile,
 * and meets each task's fault on every episode.
 */
import { describe, expect, it } from 'vitest';
import { expectHonestEpisodes, honestEvalRun } from './helpers.js';

const run = honestEvalRun('T11,T14,T16', '0..1');

const FAULT: Record<string, number> = { T11_auth_expiry: 401, T14_timeouts: 504, T16_cursor_pagination: 410 };

describe('an honest model on the harder tier (llm profile)', () => {
  it('scores at least 99 on every T11, T14 and T16 episode, after meeting the task’s fault', () => {
    expectHonestEpisodes(run, 6);
    expect(new Set(run.trajectories.map((t) => t.task_id))).toEqual(new Set(Object.keys(FAULT)));
    for (const t of run.trajectories) {
      const statuses = t.calls.map((c) => (c.reply as { status?: number }).status);
      expect(statuses, t.task_id).toContain(FAULT[t.task_id]);
    }
    // T11: the model asked for a new token after each 401; T16: it never sent a page number.
    for (const t of run.trajectories.filter((x) => x.task_id === 'T11_auth_expiry')) {
      const names = t.calls.map((c) => c.name);
      t.calls.forEach((c, i) => {
        if ((c.reply as { status?: number }).status === 401) expect(names[i + 1]).toBe('get_task_info');
      });
    }
    for (const t of run.trajectories.filter((x) => x.task_id === 'T16_cursor_pagination')) {
      for (const c of t.calls.filter((x) => x.name === 'fetch_page'))
        expect(c.arguments as object).not.toHaveProperty('page');
    }
  });
});
