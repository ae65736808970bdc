/**
 * MCP call results as OpenEnv carries them (snake_case CallToolResult) in step observations and in
 * JSON-RPC tools/call replies, in the episode's result format (src/env/environment.ts ResultFormat).
 * A successful value keeps its DirectValue (src/core/direct-value.ts): step frames splice its JSON text
 * (src/server/wire/step.ts) and the object faces are built only when something reads them.
 */
import { type DirectValue, LazyValue } from '../../core/direct-value.js';
import type { ToolOutcome } from '../../core/episode.js';
import type { ResultFormat } from '../../env/environment.js';
import type { CallToolResult } from '../../env/schemas.js';

/** The one-line summary `compact` results carry as text. */
export function compactSummary(direct: DirectValue): string {
  if (direct.rowCount !== undefined)
    return `status=${direct.status} rows=${direct.rowCount} (full result in data)`;
  const value = direct.value();
  const rows = Array.isArray(value.rows) ? ` rows=${value.rows.length}` : '';
  const status =
    value.status !== undefined ? `status=${value.status}` : `keys=${Object.keys(value).join(',')}`;
  return `${status}${rows} (full result in data)`;
}

/** A value that came as an object, with its text made once on demand. */
export const plainValue = (value: Record<string, unknown>): DirectValue =>
  new LazyValue(
    () => value,
    () => JSON.stringify(value),
  );

/**
 * A successful call result over a DirectValue. JSON.stringify reads it through toJSON, in the result's
 * field order. The accessors are on the prototype: accessor literals made per call would give every
 * result its own hidden class, allocated in old space, which made scavenges slow and promoted young
 * objects.
 */
class ValueResult implements CallToolResult {
  readonly content: Array<{ type: 'text'; text: string }>;
  readonly is_error = false;
  readonly meta = null;

  constructor(
    private readonly direct: DirectValue,
    private readonly format: ResultFormat,
  ) {
    this.content = [{ type: 'text', text: format === 'full' ? direct.json() : compactSummary(direct) }];
  }

  get structured_content(): Record<string, unknown> | null {
    return this.format === 'full' ? this.direct.value() : null;
  }

  get data(): unknown {
    return this.direct.value();
  }

  toJSON(): CallToolResult {
    const { content, structured_content, data, is_error, meta } = this;
    return { content, structured_content, data, is_error, meta };
  }
}

/** The CallToolResult of a tool outcome (a tool-level error is a result with is_error true). */
export function callToolResult(outcome: ToolOutcome, format: ResultFormat): CallToolResult {
  if (outcome.ok) return new ValueResult(outcome.direct ?? plainValue(outcome.value), format);
  const error = outcome.error.toJSON();
  const value = { error };
  return {
    content: [{ type: 'text', text: `${error.code}: ${error.message}` }],
    structured_content: value,
    data: value,
    is_error: true,
    meta: null,
  };
}
