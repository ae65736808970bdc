/**
 * Everything the harness itself says to a model, written once. The task, its rules and the tools'
 * contracts come from the environment (the reset observation and the tool list); this text only says what
 * kind of episode it is and how acting works, never how to solve it.
 */

/** The system prompt of every episode. */
export const SYSTEM_PROMPT = [
  'You are an agent operating a paginated trade-data API through tools, in one episode of a benchmark.',
  "The next message is the environment's reset observation: the task, the query, the primary key, the row",
  'schema, the constraints (request budget, page sizes, clock) and the rules the API follows. Read it',
  'carefully: it describes everything the API does.',
  '',
  'Tools are the only way to act. Every tool call is executed as you send it and its result comes back',
  'verbatim as JSON, including errors; nothing retries, corrects or completes anything for you, and text',
  'you write without a tool call does nothing.',
  '',
  'The episode ends when you call submit_results, exactly once; it is scored on the data you submit and on',
  "the server's own record of your requests. You may submit by row_ids (the row_id of each served row you",
  'keep) instead of repeating whole rows, and you may include a run_log in the format the task describes.',
  'If you do not submit, the episode scores 0.',
].join('\n');

/** The first user message: the reset observation's JSON (its tool list is given as the tools instead). */
export function resetMessage(observation: Record<string, unknown>): string {
  const { tools: _tools, ...rest } = observation;
  return `Reset observation:\n${JSON.stringify(rest)}`;
}

/** Sent, as the next user message, after a model turn with no tool call (the turn still counts). */
export const NO_TOOL_CALL_NUDGE =
  'No tool was called, so nothing happened. Act only through the tools; the episode ends when you call ' +
  'submit_results.';
