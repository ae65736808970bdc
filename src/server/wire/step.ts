/**
 * The OpenEnv observation triple `{"observation": ..., "reward": ..., "done": ...}` of a reset or step
 * (src/env/environment.ts StepResult), as HTTP replies and /ws observation frames carry it.
 *
 * stepTriple is the triple as an object; stepJson is its JSON text, byte-identical to
 * JSON.stringify(stepTriple(r)) (test/server/wire-json-is-byte-identical-to-json-stringify.test.ts).
 * An HTTP reset's reply adds the episode's token beside the triple (resetJson).
 * For a successful call, stepJson splices the value's once-written text into the frame (with its
 * escaped form, when the value has one) instead of serialising the value: three times in `full`
 * (content text, structured_content, data), once in `compact` (data).
 */
import type { DirectValue } from '../../core/direct-value.js';
import type { ToolOutcome } from '../../core/episode.js';
import type { CallToolStep, StepResult } from '../../env/environment.js';
import type { StepTriple } from '../../env/connection.js';
import type { CallToolResult } from '../../env/schemas.js';
import { callToolResult, compactSummary, plainValue } from './results.js';

/** A call_tool observation: tool_name, result and error (OpenEnv's CallToolObservation). */
function callToolObservation(r: CallToolStep): {
  tool_name: string;
  result: CallToolResult | null;
  error: { error_type: 'tool_not_found'; message: string } | null;
} {
  const o = r.outcome;
  // An unknown tool is a framework error in OpenEnv (error set, result null); other tool errors are results.
  if (!o.ok && o.error.code === 'CB_ERR_UNKNOWN_TOOL') {
    return {
      tool_name: r.toolName,
      result: null,
      error: { error_type: 'tool_not_found', message: o.error.message },
    };
  }
  return { tool_name: r.toolName, result: callToolResult(o, r.format), error: null };
}

export function stepTriple(r: StepResult): StepTriple {
  const { reward, done } = r;
  switch (r.kind) {
    case 'reset':
      return { observation: r.observation, reward, done };
    case 'list_tools':
      return { observation: { tools: r.tools }, reward, done };
    case 'call_tool':
      return { observation: callToolObservation(r), reward, done };
  }
}

type ValueOutcome = Extract<ToolOutcome, { ok: true }>;

/** A successful call's triple, written around the value's text. */
function valueStepJson(r: CallToolStep, outcome: ValueOutcome): string {
  const d: DirectValue = outcome.direct ?? plainValue(outcome.value);
  const text = d.json();
  const body =
    r.format === 'full'
      ? `${d.escapedJson?.() ?? JSON.stringify(text)}}],"structured_content":${text},"data":${text}`
      : `${JSON.stringify(compactSummary(d))}}],"structured_content":null,"data":${text}`;
  return (
    `{"observation":{"tool_name":${JSON.stringify(r.toolName)},"result":{"content":[{"type":"text","text":` +
    `${body},"is_error":false,"meta":null},"error":null},"reward":${JSON.stringify(r.reward)},"done":${r.done}}`
  );
}

export function stepJson(r: StepResult): string {
  if (r.kind === 'call_tool' && r.outcome.ok) return valueStepJson(r, r.outcome);
  return JSON.stringify(stepTriple(r));
}

/** An HTTP reset's reply: the triple with the episode's token beside it, `{...triple, "episode_token": ...}`. */
export function resetJson(r: StepResult, token: string): string {
  return `${stepJson(r).slice(0, -1)},"episode_token":${JSON.stringify(token)}}`;
}
