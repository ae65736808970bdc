/**
 * The one error catalogue of ComtradeBench. Every error the service can return is declared here once
 * with a stable code, its HTTP status and its OpenEnv/MCP tool error type. Transports map these
 * (src/server/errors.ts); nothing else invents codes.
 */

/** OpenEnv CallToolObservation error types. */
export type ToolErrorType =
  'execution_error' | 'invalid_args' | 'transport_error' | 'tool_not_found' | 'timeout';

export interface ErrorDef {
  readonly status: number;
  readonly toolErrorType: ToolErrorType;
  readonly summary: string;
}

export const ERRORS = {
  // Tool-level errors (reported inside a tool result, the episode continues).
  CB_ERR_INVALID_ARGUMENT: {
    status: 422,
    toolErrorType: 'invalid_args',
    summary: 'a tool argument is invalid',
  },
  CB_ERR_PAGE_SIZE_LOCKED: {
    status: 422,
    toolErrorType: 'invalid_args',
    summary: 'page_size differs from the size locked by the first fetch_page',
  },
  CB_ERR_SUBMISSION_ENVELOPE: {
    status: 422,
    toolErrorType: 'invalid_args',
    summary: 'submit_results needs exactly one of rows, data_jsonl or row_ids, of the right type',
  },
  CB_ERR_SUBMISSION_TOO_LARGE: {
    status: 413,
    toolErrorType: 'invalid_args',
    summary: 'the submission exceeds max_submission_bytes',
  },
  CB_ERR_UNKNOWN_TOOL: { status: 404, toolErrorType: 'tool_not_found', summary: 'no tool has this name' },
  CB_ERR_EPISODE_DONE: { status: 409, toolErrorType: 'execution_error', summary: 'the episode has ended' },
  // Environment and session errors.
  CB_ERR_VALIDATION: { status: 422, toolErrorType: 'invalid_args', summary: 'the request failed validation' },
  CB_ERR_UNKNOWN_TASK: { status: 404, toolErrorType: 'invalid_args', summary: 'no task has this id' },
  CB_ERR_UNKNOWN_PROFILE: {
    status: 422,
    toolErrorType: 'invalid_args',
    summary: 'the task has no such size profile',
  },
  CB_ERR_NOT_RESET: {
    status: 409,
    toolErrorType: 'execution_error',
    summary: 'no episode yet: call reset first',
  },
  CB_ERR_EPISODE_ID_REQUIRED: {
    status: 400,
    toolErrorType: 'invalid_args',
    summary: 'this request needs an episode_id (body, ?episode_id= or X-Episode-Id)',
  },
  CB_ERR_EPISODE_NOT_FOUND: {
    status: 404,
    toolErrorType: 'execution_error',
    summary: 'no live episode has this id',
  },
  CB_ERR_EPISODE_CONFLICT: {
    status: 409,
    toolErrorType: 'execution_error',
    summary: 'the episode_id belongs to a live episode of another session',
  },
  CB_ERR_CAPACITY: {
    status: 503,
    toolErrorType: 'execution_error',
    summary: 'the server is at session capacity',
  },
  CB_ERR_SESSION_NOT_FOUND: {
    status: 404,
    toolErrorType: 'execution_error',
    summary: 'no MCP session has this id',
  },
  CB_ERR_SESSION_REQUIRED: {
    status: 400,
    toolErrorType: 'invalid_args',
    summary: 'tools need a session: openenv/session/create, the MCP initialize handshake, or a /ws reset',
  },
  CB_ERR_HOST_NOT_ALLOWED: {
    status: 403,
    toolErrorType: 'transport_error',
    summary: 'the Host header is not one of MCP_ALLOWED_HOSTS',
  },
  // Transport errors.
  CB_ERR_INVALID_JSON: { status: 400, toolErrorType: 'invalid_args', summary: 'the body is not valid JSON' },
  CB_ERR_BODY_TOO_LARGE: {
    status: 413,
    toolErrorType: 'invalid_args',
    summary: 'the body exceeds the size limit',
  },
  CB_ERR_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    toolErrorType: 'invalid_args',
    summary: 'the body must be application/json',
  },
  CB_ERR_NOT_FOUND: { status: 404, toolErrorType: 'execution_error', summary: 'no route here' },
  CB_ERR_METHOD_NOT_ALLOWED: { status: 405, toolErrorType: 'execution_error', summary: 'method not allowed' },
  CB_ERR_UPGRADE_REQUIRED: {
    status: 426,
    toolErrorType: 'transport_error',
    summary: 'this path is a WebSocket endpoint: connect with an Upgrade request',
  },
  CB_ERR_SHUTTING_DOWN: {
    status: 503,
    toolErrorType: 'execution_error',
    summary: 'the server is shutting down',
  },
  CB_ERR_INTERNAL: { status: 500, toolErrorType: 'execution_error', summary: 'internal error' },
} as const satisfies Record<string, ErrorDef>;

export type ErrorCode = keyof typeof ERRORS;

/** A typed error carrying a catalogue code, a message naming what was wrong, and optional details. */
export class BenchError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'BenchError';
    this.code = code;
    this.details = details;
  }
  get status(): number {
    return ERRORS[this.code].status;
  }
  get toolErrorType(): ToolErrorType {
    return ERRORS[this.code].toolErrorType;
  }
  toJSON(): { code: ErrorCode; message: string } & Record<string, unknown> {
    return { code: this.code, message: this.message, ...(this.details ?? {}) };
  }
}
