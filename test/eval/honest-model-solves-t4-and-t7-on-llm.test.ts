/**
 * A model that follows the tasks' rules, played by a reactive script behind a fake OpenAI-compatible
 * server, scores at least 99 on T4 (429s) and T7 (totals rows) on the llm profile, submitting by row_ids
 * with a run log. What it is sent is exactly the harness's contract: the system prompt, the reset
 * observation, the environment's three tools with their own schemas, and each reply once, verbatim.
 */
import { describe, expect, it } from 'vitest';
import { toolSpecs } from '../../src/env/schemas.js';
import { SYSTEM_PROMPT } from '../../src/eval/prompt.js';
import { expectHonestEpisodes, honestEvalRun } from './helpers.js';

const run = honestEvalRun('T4,T7', '0..2');

describe('an honest model on the llm profile', () => {
  it('scores at least 99 on every T4 and T7 episode, submitting by row_ids with a run log', () => {
    expectHonestEpisodes(run, 6);
    for (const e of run.episodes) {
      expect(e.model).toBe('fake-honest');
      expect(e.agent).toBe('fake-honest');
      expect(e.turns).toBeGreaterThan(2);
      expect(e.prompt_tokens).toBeGreaterThan(0);
      expect(e.completion_tokens).toBeGreaterThan(0);
      expect(e.tool_chars).toBeGreaterThan(0);
    }
    for (const t of run.trajectories) {
      const submission = t.calls[t.submission_call!]!;
      expect(submission.name).toBe('submit_results');
      expect(Object.keys(submission.arguments as object).sort()).toEqual(['row_ids', 'run_log']);
    }
    // T4 always meets its 429s: the model saw them and recovered.
    const t4 = run.trajectories.filter((t) => t.task_id === 'T4_rate_limit_429');
    for (const t of t4)
      expect(t.calls.some((c) => (c.reply as { status?: number }).status === 429)).toBe(true);
    expect(run.io.stdout).toContain('95% CI');
  });

  it("is sent the system prompt, the reset observation and the environment's own tool schemas", () => {
    const first = run.provider.log[0]!.body;
    expect(first.messages[0]).toEqual({ role: 'system', content: SYSTEM_PROMPT });
    expect(first.messages[1]!.role).toBe('user');
    expect(first.messages[1]!.content).toContain('"task_id"');
    expect(first.tools).toEqual(
      toolSpecs().map((t) => ({
        type: 'function',
        function: { name: t.name, description: t.description, parameters: t.input_schema },
      })),
    );
  });

  it('gets every reply once, as the exact JSON text the environment produced, 429s included', () => {
    for (const t of run.trajectories) {
      const conversation = t.conversation as Array<{ role: string; tool_call_id?: string; content?: string }>;
      const toolMessages = conversation.filter((m) => m.role === 'tool');
      // One tool message per environment call, none added, none repeated.
      expect(toolMessages.map((m) => m.tool_call_id)).toEqual(t.calls.map((c) => c.tool_call_id));
      t.calls.forEach((c, i) => expect(toolMessages[i]!.content).toBe(JSON.stringify(c.reply)));
    }
    // The provider's last request of a T4 episode carried the 429 replies verbatim.
    const t4 = run.trajectories.find((t) => t.task_id === 'T4_rate_limit_429')!;
    const rateLimited = t4.calls.filter((c) => (c.reply as { status?: number }).status === 429);
    const sent = run.provider.log.filter((r) =>
      r.body.messages.some((m) => m.role === 'tool' && m.tool_call_id === t4.calls.at(-2)!.tool_call_id),
    );
    const contents = sent
      .at(-1)!
      .body.messages.filter((m) => m.role === 'tool')
      .map((m) => m.content);
    for (const c of rateLimited) expect(contents).toContain(JSON.stringify(c.reply));
  });
});
