/**
 * Catalogue errors (src/core/errors.ts) as each transport writes them. Everything transport-specific
 * about an error (status, /ws code, JSON-RPC code, upstream wording, detail keys) is read from its
 * catalogue entry; routes never build error bodies by hand.
 */
import { BenchError, type ErrorCode, type JsonRpcCode, type WsErrorCode } from '../../core/errors.js';

/** Anything thrown, as a BenchError (unknown errors become CB_ERR_INTERNAL without leaking internals). */
export function asBenchError(e: unknown): BenchError {
  return e instanceof BenchError ? e : new BenchError('CB_ERR_INTERNAL');
}

export interface HttpErrorBody {
  error: { code: ErrorCode; message: string; request_id?: string } & Record<string, unknown>;
  /** FastAPI-style `detail` (the validation entries, else the message), so upstream-minded clients see a reason. */
  detail: unknown;
}

/**
 * `{"error":{"code","message",...details,"request_id"},"detail":...}` with the entry's HTTP status and
 * headers (Retry-After, WWW-Authenticate).
 */
export function httpError(
  e: BenchError,
  requestId: string,
): { status: number; headers: Readonly<Record<string, string>>; body: HttpErrorBody } {
  const details = e.details;
  return {
    status: e.status,
    headers: e.httpHeaders,
    body: {
      error: { code: e.code, message: e.message, ...details, request_id: requestId },
      detail: Array.isArray(details.errors) ? details.errors : e.message,
    },
  };
}

/**
 * The `data` of a /ws error frame: upstream's message and code, then ours (cb_code, details, and our
 * message as `detail` when upstream's wording replaced it). A fatal error (the socket then closes) is
 * OpenEnv's SESSION_ERROR whatever its code.
 */
export function wsErrorData(e: BenchError, fatal = false): Record<string, unknown> {
  const code: WsErrorCode = fatal ? 'SESSION_ERROR' : e.ws;
  const upstream = fatal ? undefined : e.upstreamMessage('ws');
  return {
    message: upstream ?? e.message,
    code,
    cb_code: e.code,
    ...e.details,
    ...(upstream === undefined ? {} : { detail: e.message }),
  };
}

export interface JsonRpcErrorObject {
  code: number;
  message: string;
  data: unknown;
}

/**
 * The `error` member of a JSON-RPC reply: the entry's JSON-RPC code (or `code`, where the transport's
 * rule overrides it: OpenEnv's session-level failures on WS /mcp are -32000), upstream's wording where it
 * has one, and ours in `data` with the catalogue code and details.
 */
export function jsonRpcErrorObject(e: BenchError, code: JsonRpcCode = e.jsonRpc): JsonRpcErrorObject {
  const upstream = e.upstreamMessage('jsonRpc');
  return {
    code,
    message: upstream ?? e.message,
    data: { code: e.code, ...e.details, ...(upstream === undefined ? {} : { detail: e.message }) },
  };
}
