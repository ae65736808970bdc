/**
 * Maps the one error catalogue (src/core/errors.ts) to each transport: HTTP JSON bodies, /ws error
 * frames, and JSON-RPC errors. Routes never build error bodies by hand.
 */
import { BenchError, ERRORS, type ErrorCode } from '../core/errors.js';

/** Anything thrown, as a BenchError (unknown errors become CB_ERR_INTERNAL without leaking internals). */
export function asBenchError(e: unknown): BenchError {
  if (e instanceof BenchError) return e;
  return new BenchError('CB_ERR_INTERNAL', 'internal error; the request was not applied');
}

export interface HttpErrorBody {
  error: { code: ErrorCode; message: string; request_id?: string } & Record<string, unknown>;
  /** FastAPI-style `detail`, so upstream-minded clients see a reason too. */
  detail: unknown;
}

export function httpError(e: BenchError, requestId?: string): { status: number; body: HttpErrorBody } {
  const j = e.toJSON();
  const detail = Array.isArray(j.errors) ? j.errors : e.message;
  return {
    status: e.status,
    body: { error: { ...j, ...(requestId ? { request_id: requestId } : {}) }, detail },
  };
}

/** OpenEnv WS error codes. */
export type WsErrorCode =
  | 'INVALID_JSON'
  | 'UNKNOWN_TYPE'
  | 'VALIDATION_ERROR'
  | 'EXECUTION_ERROR'
  | 'CAPACITY_REACHED'
  | 'SESSION_ERROR';

/** Which WS code a catalogue error travels as; fatal ones close the socket. */
export function wsCodeOf(e: BenchError): WsErrorCode {
  switch (e.code) {
    case 'CB_ERR_INVALID_JSON':
      return 'INVALID_JSON';
    case 'CB_ERR_VALIDATION':
      return 'VALIDATION_ERROR';
    case 'CB_ERR_CAPACITY':
      return 'CAPACITY_REACHED';
    default:
      return 'EXECUTION_ERROR';
  }
}

export function wsErrorFrame(code: WsErrorCode, e: BenchError): string {
  const j = e.toJSON();
  const { message, code: cbCode, ...details } = j;
  const frame = {
    type: 'error',
    data: {
      message: code === 'VALIDATION_ERROR' ? 'Invalid message' : message,
      code,
      cb_code: cbCode,
      ...details,
      ...(code === 'VALIDATION_ERROR' ? { detail: message } : {}),
    },
  };
  return JSON.stringify(frame);
}

/** JSON-RPC 2.0 error codes. */
export const JSONRPC = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  SERVER_ERROR: -32000,
} as const;

export function jsonRpcCodeOf(e: BenchError): number {
  switch (ERRORS[e.code].toolErrorType) {
    case 'invalid_args':
      return e.code === 'CB_ERR_INVALID_JSON' ? JSONRPC.PARSE_ERROR : JSONRPC.INVALID_PARAMS;
    default:
      return e.code === 'CB_ERR_CAPACITY' || e.code === 'CB_ERR_HOST_NOT_ALLOWED'
        ? JSONRPC.SERVER_ERROR
        : JSONRPC.INTERNAL_ERROR;
  }
}

export function jsonRpcError(
  id: string | number | null,
  e: BenchError,
): { jsonrpc: '2.0'; id: string | number | null; error: { code: number; message: string; data: unknown } } {
  const { message, ...data } = e.toJSON();
  return { jsonrpc: '2.0', id, error: { code: jsonRpcCodeOf(e), message, data } };
}

/** Fastify's own errors (body parsing, limits, schema validation, bad URLs) as catalogue errors. */
export function fromFrameworkError(e: unknown, limits: { maxBodyBytes: number }): BenchError {
  if (e instanceof BenchError) return e;
  const err = e as {
    code?: string;
    statusCode?: number;
    message?: string;
    validation?: Array<{ keyword?: string; instancePath?: string; message?: string }>;
  };
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new BenchError(
        'CB_ERR_BODY_TOO_LARGE',
        `the request body is larger than ${limits.maxBodyBytes} bytes (MAX_BODY_BYTES)`,
        {
          max_body_bytes: limits.maxBodyBytes,
        },
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new BenchError(
        'CB_ERR_UNSUPPORTED_MEDIA_TYPE',
        'send the body as JSON with the header Content-Type: application/json',
      );
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new BenchError(
        'CB_ERR_INVALID_JSON',
        `the body is not valid JSON (${err.message ?? 'parse error'})`,
      );
    case 'FST_ERR_BAD_URL':
      return new BenchError('CB_ERR_NOT_FOUND', 'the URL is malformed');
  }
  if (Array.isArray(err.validation)) {
    const errors = err.validation.map((v) => ({
      type: v.keyword ?? 'invalid',
      loc: (v.instancePath ?? '').split('/').filter(Boolean),
      msg: v.message ?? 'invalid',
    }));
    return new BenchError('CB_ERR_VALIDATION', `invalid request: ${err.message ?? 'validation failed'}`, {
      errors,
    });
  }
  if (e instanceof SyntaxError && err.statusCode === 400)
    return new BenchError('CB_ERR_INVALID_JSON', `the body is not valid JSON (${err.message})`);
  return asBenchError(e);
}
