/**
 * The one error catalogue of ComtradeBench. Every error the service can return is declared here once:
 * its stable code, the message template (call sites pass values, never sentences), which of those values
 * travel as detail keys, its HTTP status, and how it travels on each transport: the OpenEnv tool error
 * type, the /ws error code and the JSON-RPC error code. Transports only read this table
 * (src/server/wire/errors.ts); nothing else invents codes or words errors. docs/protocol.md lists them.
 */

/** OpenEnv CallToolObservation error types. */
export type ToolErrorType =
  'execution_error' | 'invalid_args' | 'transport_error' | 'tool_not_found' | 'timeout';

/** OpenEnv's /ws error codes. */
export type WsErrorCode =
  | 'INVALID_JSON'
  | 'UNKNOWN_TYPE'
  | 'VALIDATION_ERROR'
  | 'EXECUTION_ERROR'
  | 'CAPACITY_REACHED'
  | 'SESSION_ERROR';

/** JSON-RPC 2.0 error codes (-32000 is OpenEnv's session-level "server error"). */
export const JSONRPC = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  SERVER_ERROR: -32000,
} as const;
export type JsonRpcCode = (typeof JSONRPC)[keyof typeof JSONRPC];

/** One validation problem, FastAPI-style (what the `detail` list of a 422 carries). */
export interface Issue {
  readonly type: string;
  readonly loc: readonly PropertyKey[];
  readonly msg: string;
}

/**
 * One problem with a tool's arguments: a zod issue, a value outside the task's limits, or arguments that
 * are not JSON at all (a model harness parses them before anything reaches the environment).
 */
export type ArgumentIssue =
  | { readonly path: readonly PropertyKey[]; readonly message: string }
  | { readonly path: readonly []; readonly json_error: string }
  | {
      readonly path: readonly [string];
      readonly min: number;
      readonly max: number;
      /** The task field that sets `max` (max_page_size, max_wait_s). */
      readonly limit: string;
    };

export interface ErrorDef<A> {
  readonly status: number;
  readonly toolErrorType: ToolErrorType;
  readonly ws: WsErrorCode;
  readonly jsonRpc: JsonRpcCode;
  /** What was wrong and how to fix it, from the values the call site passes. */
  readonly message: (args: A) => string;
  /** The values every transport carries beside the message (one name per detail across the code base). */
  readonly details: readonly (keyof A & string)[];
  /**
   * Upstream OpenEnv's own wording on a transport where its clients see a fixed text; the message above
   * then travels as `detail` beside it.
   */
  readonly upstream?: { readonly ws?: (args: A) => string; readonly jsonRpc?: (args: A) => string };
  /** Headers an HTTP reply carrying this error sends (Retry-After, WWW-Authenticate). */
  readonly httpHeaders?: (args: A) => Readonly<Record<string, string>>;
}

type NoArgs = Record<never, never>;

const def = <A = NoArgs>(d: ErrorDef<A>): ErrorDef<A> => d;

const list = (xs: readonly string[]): string => xs.join(', ');

function argumentProblem(i: ArgumentIssue): string {
  const where = i.path.length > 0 ? i.path.map(String).join('.') : '(arguments)';
  if ('message' in i) return `${where}: ${i.message}`;
  if ('json_error' in i)
    return `${where}: not valid JSON (${i.json_error}), so nothing was sent; send the arguments as one JSON object`;
  return `${where}: must be between ${i.min} and ${i.limit} (${i.max})`;
}

export const ERRORS = {
  // ---- Tool-level errors: reported inside a tool result; the episode continues. ----
  CB_ERR_INVALID_ARGUMENT: def<{ tool: string; issues: readonly ArgumentIssue[] }>({
    status: 422,
    toolErrorType: 'invalid_args',
    ws: 'EXECUTION_ERROR',
    jsonRpc: JSONRPC.INVALID_PARAMS,
    message: (a) =>
      `invalid arguments for ${a.tool}: ${a.issues.slice(0, 3).map(argumentProblem).join('; ')}`,
    details: [],
  }),
  CB_ERR_PAGE_SIZE_LOCKED: def<{ locked_page_size: number }>({
    status: 422,
    toolErrorType: 'invalid_args',
    ws: 'EXECUTION_ERROR',
    jsonRpc: JSONRPC.INVALID_PARAMS,
    message: (a) =>
      `page_size is locked at ${a.locked_page_size} by the first fetch_page; omit page_size or pass ${a.locked_page_size}`,
    details: ['locked_page_size'],
  }),
  CB_ERR_SUBMISSION_ENVELOPE: def<{ given: readonly string[] }>({
    status: 422,
    toolErrorType: 'invalid_args',
    ws: 'EXECUTION_ERROR',
    jsonRpc: JSONRPC.INVALID_PARAMS,
    message: (a) =>
      'submit_results needs exactly one of rows, data_jsonl or row_ids; ' +
      (a.given.length === 0 ? 'none was given' : `got ${a.given.join(' and ')}`),
    details: [],
  }),
  CB_ERR_SUBMISSION_TOO_LARGE: def<{ max_submission_bytes: number }>({
    status: 413,
    toolErrorType: 'invalid_args',
    ws: 'EXECUTION_ERROR',
    jsonRpc: JSONRPC.INVALID_PARAMS,
    message: (a) =>
      `the submission is larger than max_submission_bytes (${a.max_submission_bytes} bytes of JSON)`,
    details: ['max_submission_bytes'],
  }),
  CB_ERR_UNKNOWN_TOOL: def<{ tool: string; tools: readonly string[] }>({
    status: 404,
    toolErrorType: 'tool_not_found',
    ws: 'EXECUTION_ERROR',
    jsonRpc: JSONRPC.INTERNAL_ERROR,
    message: (a) => `unknown tool '${a.tool}'; the tools are ${list(a.tools)}`,
    details: [],
    upstream: { jsonRpc: (a) => `Unknown tool: '${a.tool}'` },
  }),
  CB_ERR_EPISODE_DONE: def<{ episode_id: string; end_reason: string }>({
    status: 409,
    toolErrorType: 'execution_error',
    ws: 'EXECUTION_ERROR',
    jsonRpc: JSONRPC.INTERNAL_ERROR,
    message: (a) => `episode ${a.episode_id} has ended (${a.end_reason}); reset to start a new one`,
    details: [],
  }),

  // ---- Episode and session errors. ----
  CB_ERR_VALIDATION: def<{ what: string; errors: readonly Issue[] }>({
    status: 422,
    toolErrorType: 'invalid_args',
    ws: 'VALIDATION_ERROR',
    jsonRpc: JSONRPC.INVALID_PARAMS,
    message: (a) => {
      const first = a.errors[0];
      const where =
        first !== undefined && first.loc.length > 0 ? ` at ${first.loc.map(String).join('.')}` : '';
      return `invalid ${a.what}${where}: ${first?.msg ?? 'invalid'}`;
    },
    details: ['errors'],
    upstream: { ws: () => 'Invalid message' },
  }),
  CB_ERR_UNKNOWN_TASK: def<{ task_id: string; known: readonly string[] }>({
    status: 404,
    toolErrorType: 'invalid_args',
    ws: 'EXECUTION_ERROR',
    jsonRpc: JSONRPC.INVALID_PARAMS,
    message: (a) => `unknown task_id '${a.task_id}'; known tasks: ${list(a.known)}`,
    details: [],
  }),
  CB_ERR_UNKNOWN_PROFILE: def<{ task_id: string; profile: string; known: readonly string[] }>({
    status: 422,
    toolErrorType: 'invalid_args',
    ws: 'EXECUTION_ERROR',
    jsonRpc: JSONRPC.INVALID_PARAMS,
    message: (a) => `task ${a.task_id} has no profile '${a.profile}' (known: ${list(a.known)})`,
    details: [],
  }),
  CB_ERR_NOT_RESET: def<{ reset_with?: string }>({
    status: 409,
    toolErrorType: 'execution_error',
    ws: 'EXECUTION_ERROR',
    jsonRpc: JSONRPC.INTERNAL_ERROR,
    message: (a) =>
      `no episode yet: reset first${a.reset_with === undefined ? '' : ` (${a.reset_with})`}; tools act on an episode`,
    details: [],
  }),
  CB_ERR_EPISODE_TOKEN_REQUIRED: def({
    status: 401,
    toolErrorType: 'invalid_args',
    ws: 'EXECUTION_ERROR',
    jsonRpc: JSONRPC.INVALID_PARAMS,
    message: () =>
      'an HTTP episode is reached only with its token: send the episode_token that POST /reset returned (also its x-episode-token header) as the X-Episode-Token header',
    details: [],
  }),
  CB_ERR_EPISODE_ID_AMBIGUOUS: def<{ given: ReadonlyArray<readonly [where: string, value: unknown]> }>({
    status: 422,
    toolErrorType: 'invalid_args',
    ws: 'EXECUTION_ERROR',
    jsonRpc: JSONRPC.INVALID_PARAMS,
    message: (a) =>
      `episode_id is given more than once, with ${a.given.map(([where, v]) => `${JSON.stringify(v)} in the ${where}`).join(' and ')}; pass one episode_id once`,
    details: [],
  }),
  CB_ERR_EPISODE_NOT_FOUND: def<{ episode_id?: string }>({
    status: 404,
    toolErrorType: 'execution_error',
    ws: 'EXECUTION_ERROR',
    jsonRpc: JSONRPC.INTERNAL_ERROR,
    // The same words for an unknown id and a wrong token, so the reply never tells whether an id exists.
    message: (a) =>
      `no HTTP episode ${a.episode_id === undefined ? '' : `'${a.episode_id}' `}opens with this X-Episode-Token (unknown id, wrong token, or no longer kept); POST /reset to start one`,
    details: [],
  }),
  CB_ERR_EPISODE_CONFLICT: def<{ episode_id: string }>({
    status: 409,
    toolErrorType: 'execution_error',
    ws: 'EXECUTION_ERROR',
    jsonRpc: JSONRPC.INTERNAL_ERROR,
    message: (a) =>
      `episode_id '${a.episode_id}' belongs to a live episode or a finished one still kept; choose another id or omit it`,
    details: [],
  }),
  CB_ERR_EPISODE_NOT_DONE: def<{ episode_id: string }>({
    status: 409,
    toolErrorType: 'execution_error',
    ws: 'EXECUTION_ERROR',
    jsonRpc: JSONRPC.INTERNAL_ERROR,
    message: (a) =>
      `episode ${a.episode_id} has not ended; its trajectory is served once it ends (submit_results, or DELETE /episodes/${a.episode_id})`,
    details: [],
  }),
  CB_ERR_TRAJECTORY_UNAVAILABLE: def<{ episode_id: string; keep_mb: number }>({
    status: 410,
    toolErrorType: 'execution_error',
    ws: 'EXECUTION_ERROR',
    jsonRpc: JSONRPC.INTERNAL_ERROR,
    message: (a) =>
      `the calls of episode ${a.episode_id} are no longer kept (the server keeps ${a.keep_mb} MiB of recorded calls, TRAJECTORY_KEEP_MB, and forgets the oldest first); download a trajectory soon after its episode ends`,
    details: ['keep_mb'],
  }),
  CB_ERR_UNKNOWN_AGENT: def<{ agent: string; agents: readonly string[] }>({
    status: 404,
    toolErrorType: 'invalid_args',
    ws: 'EXECUTION_ERROR',
    jsonRpc: JSONRPC.INVALID_PARAMS,
    message: (a) => `unknown agent '${a.agent}'; the agents are ${list(a.agents)}`,
    details: ['agents'],
  }),
  CB_ERR_CAPACITY: def<{ active_sessions: number; max_sessions: number }>({
    status: 503,
    toolErrorType: 'execution_error',
    ws: 'CAPACITY_REACHED',
    jsonRpc: JSONRPC.SERVER_ERROR,
    // Upstream OpenEnv's text, word for word (its clients show it).
    message: (a) =>
      `Server at capacity: ${a.active_sessions}/${a.max_sessions} sessions active. Cannot accept new connections.`,
    details: ['active_sessions', 'max_sessions'],
  }),
  CB_ERR_CLIENT_LIMIT: def<{
    limit: 'MAX_EPISODES_PER_CLIENT' | 'MAX_RESETS_PER_MINUTE';
    value: number;
    retry_after_s: number;
    client: string;
  }>({
    status: 429,
    toolErrorType: 'execution_error',
    ws: 'CAPACITY_REACHED',
    jsonRpc: JSONRPC.SERVER_ERROR,
    message: (a) =>
      a.limit === 'MAX_EPISODES_PER_CLIENT'
        ? `too many live episodes from client ${a.client}: MAX_EPISODES_PER_CLIENT is ${a.value}; end one (DELETE /episodes/:id, a close message, DELETE /mcp) or retry in ${a.retry_after_s} s`
        : `too many resets from client ${a.client}: MAX_RESETS_PER_MINUTE is ${a.value}; retry in ${a.retry_after_s} s`,
    details: ['limit', 'value', 'retry_after_s', 'client'],
    httpHeaders: (a) => ({ 'retry-after': String(a.retry_after_s) }),
  }),
  CB_ERR_SESSION_NOT_FOUND: def<{ session_id: string }>({
    status: 404,
    toolErrorType: 'execution_error',
    ws: 'EXECUTION_ERROR',
    jsonRpc: JSONRPC.INVALID_PARAMS,
    message: (a) =>
      `no live session '${a.session_id}' (closed, reaped or never created); open one with openenv/session/create or the MCP initialize handshake`,
    details: [],
    upstream: { jsonRpc: (a) => `Unknown session_id: ${a.session_id}` },
  }),
  CB_ERR_SESSION_ENDED: def({
    status: 404,
    toolErrorType: 'execution_error',
    ws: 'SESSION_ERROR',
    jsonRpc: JSONRPC.SERVER_ERROR,
    message: () =>
      'this session has ended (closed, idle timeout or shutdown); open a new one: reconnect, or initialize a new MCP session',
    details: [],
  }),
  CB_ERR_SESSION_REQUIRED: def<{ request: string }>({
    status: 400,
    toolErrorType: 'invalid_args',
    ws: 'EXECUTION_ERROR',
    jsonRpc: JSONRPC.INVALID_PARAMS,
    message: (a) =>
      `${a.request} needs a session (each session owns one episode): open one with openenv/session/create (optional task_id, seed, ` +
      'profile) and pass its session_id in params, or with the MCP initialize handshake and send its Mcp-Session-Id header',
    details: [],
  }),
  CB_ERR_SESSION_OWNED_BY_SOCKET: def({
    status: 409,
    toolErrorType: 'execution_error',
    ws: 'EXECUTION_ERROR',
    jsonRpc: JSONRPC.INVALID_REQUEST,
    message: () =>
      'Cannot close the WebSocket session through openenv/session/close; send a close message or close the socket',
    details: [],
  }),
  CB_ERR_INVALID_PARAMS: def<{ param: string; given: boolean }>({
    status: 422,
    toolErrorType: 'invalid_args',
    ws: 'EXECUTION_ERROR',
    jsonRpc: JSONRPC.INVALID_PARAMS,
    // Upstream OpenEnv's wording: tools/call's `name` and the session methods' `session_id` are worded
    // differently there, and its clients show these texts.
    message: (a) =>
      a.param === 'name'
        ? "Missing 'name' in params"
        : `Invalid params - '${a.param}' ${a.given ? 'must be a non-empty string' : 'is required'}`,
    details: [],
  }),
  CB_ERR_HOST_NOT_ALLOWED: def<{ host: string }>({
    status: 403,
    toolErrorType: 'transport_error',
    ws: 'EXECUTION_ERROR',
    jsonRpc: JSONRPC.SERVER_ERROR,
    message: (a) =>
      `Forbidden: the Host header ${a.host === '' ? 'is missing' : `'${a.host}' is not one of MCP_ALLOWED_HOSTS`}; connect through an allowed host name or add it to MCP_ALLOWED_HOSTS`,
    details: [],
  }),

  CB_ERR_UNAUTHORIZED: def<{ given: boolean }>({
    status: 401,
    toolErrorType: 'transport_error',
    ws: 'EXECUTION_ERROR',
    jsonRpc: JSONRPC.SERVER_ERROR,
    message: (a) =>
      `this server requires its API key: send the header Authorization: Bearer <API_KEY> (${a.given ? 'the key sent does not match' : 'none was sent'})`,
    details: [],
    httpHeaders: () => ({ 'www-authenticate': 'Bearer realm="comtradebench"' }),
  }),

  // ---- Transport errors. ----
  CB_ERR_INVALID_JSON: def<{ reason: string }>({
    status: 400,
    toolErrorType: 'invalid_args',
    ws: 'INVALID_JSON',
    jsonRpc: JSONRPC.PARSE_ERROR,
    // Upstream's /ws text; also what HTTP and /mcp say.
    message: (a) => `Invalid JSON: ${a.reason}`,
    details: [],
  }),
  CB_ERR_BODY_TOO_LARGE: def<{ max_body_bytes: number }>({
    status: 413,
    toolErrorType: 'invalid_args',
    ws: 'EXECUTION_ERROR',
    jsonRpc: JSONRPC.INVALID_PARAMS,
    message: (a) =>
      `the request body is larger than the ${a.max_body_bytes}-byte limit (MAX_BODY_BYTES); send less, or raise MAX_BODY_BYTES`,
    details: ['max_body_bytes'],
  }),
  CB_ERR_UNSUPPORTED_MEDIA_TYPE: def<{ received: string }>({
    status: 415,
    toolErrorType: 'invalid_args',
    ws: 'EXECUTION_ERROR',
    jsonRpc: JSONRPC.INVALID_PARAMS,
    message: (a) =>
      `send JSON: a body with Content-Type: application/json, or a text frame on a WebSocket (got ${a.received})`,
    details: [],
  }),
  CB_ERR_UNKNOWN_MESSAGE_TYPE: def<{ type: string; types: readonly string[] }>({
    status: 422,
    toolErrorType: 'invalid_args',
    ws: 'UNKNOWN_TYPE',
    jsonRpc: JSONRPC.INVALID_REQUEST,
    message: (a) => `unknown message type '${a.type}'; send one of ${list(a.types)}`,
    details: ['types'],
    upstream: { ws: (a) => `Unknown message type: ${a.type}` },
  }),
  CB_ERR_NOT_FOUND: def<{ method: string; path: string }>({
    status: 404,
    toolErrorType: 'execution_error',
    ws: 'EXECUTION_ERROR',
    jsonRpc: JSONRPC.INTERNAL_ERROR,
    message: (a) => `no route ${a.method} ${a.path}; see /docs or /openapi.json`,
    details: [],
  }),
  CB_ERR_METHOD_NOT_ALLOWED: def<{ method: string; path: string; allow: readonly string[] }>({
    status: 405,
    toolErrorType: 'execution_error',
    ws: 'EXECUTION_ERROR',
    jsonRpc: JSONRPC.INTERNAL_ERROR,
    message: (a) => `${a.method} ${a.path} is not allowed; use ${a.allow.join(' or ')}`,
    details: [],
  }),
  CB_ERR_UPGRADE_REQUIRED: def<{ path: string }>({
    status: 426,
    toolErrorType: 'transport_error',
    ws: 'EXECUTION_ERROR',
    jsonRpc: JSONRPC.INTERNAL_ERROR,
    message: (a) =>
      `${a.path} is a WebSocket endpoint: connect with a WebSocket client (ws://host:port${a.path})`,
    details: [],
  }),
  CB_ERR_SHUTTING_DOWN: def({
    status: 503,
    toolErrorType: 'execution_error',
    ws: 'EXECUTION_ERROR',
    jsonRpc: JSONRPC.SERVER_ERROR,
    message: () => 'the server is shutting down; retry against another instance',
    details: [],
  }),
  CB_ERR_INTERNAL: def({
    status: 500,
    toolErrorType: 'execution_error',
    ws: 'EXECUTION_ERROR',
    jsonRpc: JSONRPC.INTERNAL_ERROR,
    message: () => 'internal error; the request was not applied',
    details: [],
  }),
} as const;

export type ErrorCode = keyof typeof ERRORS;

/** The values a code's message is made from. */
export type ErrorArgs<C extends ErrorCode> = (typeof ERRORS)[C] extends ErrorDef<infer A> ? A : never;

/** A code's arguments as constructor parameters: optional when every value is. */
type ArgsParam<C extends ErrorCode> =
  NoArgs extends ErrorArgs<C> ? [args?: ErrorArgs<C>] : [args: ErrorArgs<C>];

/** A typed error carrying a catalogue code and the values its message and details are made from. */
export class BenchError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  readonly args: ErrorArgs<C>;
  constructor(code: C, ...[args]: ArgsParam<C>) {
    const a = (args ?? {}) as ErrorArgs<C>;
    super((ERRORS[code] as ErrorDef<ErrorArgs<C>>).message(a));
    this.name = 'BenchError';
    this.code = code;
    this.args = a;
  }
  private get def(): ErrorDef<ErrorArgs<C>> {
    return ERRORS[this.code] as ErrorDef<ErrorArgs<C>>;
  }
  get status(): number {
    return this.def.status;
  }
  get toolErrorType(): ToolErrorType {
    return this.def.toolErrorType;
  }
  get ws(): WsErrorCode {
    return this.def.ws;
  }
  get jsonRpc(): JsonRpcCode {
    return this.def.jsonRpc;
  }
  /** The detail keys and values this error carries on every transport. */
  get details(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const k of this.def.details) out[k] = this.args[k];
    return out;
  }
  /** Headers an HTTP reply carrying this error sends (none for most codes). */
  get httpHeaders(): Readonly<Record<string, string>> {
    return this.def.httpHeaders?.(this.args) ?? {};
  }
  /** Upstream's fixed wording on a transport, when it has one for this code. */
  upstreamMessage(transport: 'ws' | 'jsonRpc'): string | undefined {
    return this.def.upstream?.[transport]?.(this.args);
  }
  toJSON(): { code: ErrorCode; message: string } & Record<string, unknown> {
    return { code: this.code, message: this.message, ...this.details };
  }
}
