/**
 * stepJson splices a call result's once-written value into the observation triple; the bytes must be
 * exactly JSON.stringify's of the same triple as an object (which reads the result's object faces) for
 * every kind of step (reset, tool results, tool errors, unknown tools, list_tools) in both result formats.
 */
import { expect, it } from 'vitest';
import { SessionStore } from '../../src/env/sessions.js';
import { stepJson, stepTriple } from '../../src/server/wire/step.js';
import { catalog } from './helpers.js';

it.each(['full', 'compact'] as const)(
  'stepJson equals JSON.stringify(stepTriple) on an episode of every task (%s)',
  (resultFormat) => {
    const store = new SessionStore({ catalog, capacity: 16, idleTimeoutMs: 60_000, resultFormat });
    let spliced = 0;
    for (const task_id of catalog.ids) {
      const { env } = store.open('ws');
      const reset = env.reset({ task_id, seed: 3 });
      expect(stepJson(reset)).toBe(JSON.stringify(stepTriple(reset)));
      const steps: unknown[] = [
        { type: 'list_tools' },
        { type: 'call_tool', tool_name: 'get_task_info', arguments: {} },
        { type: 'call_tool', tool_name: 'nope', arguments: {} },
        { type: 'call_tool', tool_name: 'fetch_page', arguments: { page: 0 } },
      ];
      for (let p = 1; p <= 6; p++)
        steps.push({ type: 'call_tool', tool_name: 'fetch_page', arguments: { page: p, wait_s: 4 } });
      steps.push({
        type: 'call_tool',
        tool_name: 'submit_results',
        arguments: { rows: [{ x: '"\u2028é' }], run_log: 'page=1 status=200' },
      });
      for (const action of steps) {
        const r = env.step(action);
        expect(stepJson(r)).toBe(JSON.stringify(stepTriple(r)));
        if (r.kind === 'call_tool' && r.outcome.ok) spliced += 1;
      }
    }
    expect(spliced).toBeGreaterThan(50);
  },
);
