/**
 * The three core tools on an MCP SDK server, from their one definition in src/core/tools.ts: the SDK
 * advertises each tool's zod input schema in tools/list; calls go to ComtradeEnvironment.runTool.
 *
 * Argument validation is left to the episode (which parses with the same zod schema), so a bad
 * argument over the SDK gives exactly the is_error result, step count and trace entry that the step
 * path and OpenEnv JSON-RPC give. The SDK is therefore handed the zod schema with a pass-through
 * `validate`; its JSON Schema side is zod's own.
 */
import type { CallToolResult, McpServer, StandardSchemaWithJSON } from '@modelcontextprotocol/server';
import type { z } from 'zod';
import type { ToolOutcome } from '../../core/episode.js';
import { BenchError } from '../../core/errors.js';
import { TOOLS } from '../../core/tools.js';
import type { Session } from '../../env/sessions.js';
import { callToolResult } from '../wire/results.js';

/** The zod schema's JSON Schema face with validation deferred to the episode. */
function deferValidation(schema: z.ZodType): StandardSchemaWithJSON<Record<string, unknown>> {
  const std = schema['~standard'] as unknown as StandardSchemaWithJSON<Record<string, unknown>>['~standard'];
  return {
    '~standard': { ...std, validate: (value: unknown) => ({ value: value as Record<string, unknown> }) },
  };
}

/** The SDK's CallToolResult (camelCase) of a tool outcome, in the full format. */
function sdkResult(outcome: ToolOutcome): CallToolResult {
  const m = callToolResult(outcome, 'full');
  return {
    content: m.content,
    ...(m.structured_content !== null ? { structuredContent: m.structured_content } : {}),
    isError: m.is_error,
  };
}

/**
 * Registers every core tool on `server`. `session()` gives the live session the MCP session owns, or
 * undefined once it was closed or reaped.
 */
export function registerCoreTools(
  server: McpServer,
  session: () => Session | undefined,
  touch: (s: Session) => void,
): void {
  for (const tool of TOOLS) {
    server.registerTool(
      tool.name,
      { description: tool.description, inputSchema: deferValidation(tool.input) },
      (args: Record<string, unknown>) => {
        const s = session();
        if (s === undefined) return sdkResult({ ok: false, error: new BenchError('CB_ERR_SESSION_ENDED') });
        touch(s);
        return sdkResult(s.env.runTool(tool.name, args ?? {}).outcome);
      },
    );
  }
}
