/**
 * JSON-RPC 2.0 replies (POST /mcp, WS /mcp frames, the /ws `mcp` message). A reply is
 * `{"jsonrpc":"2.0","id":...}` plus exactly one of `result` or `error`. Catalogue errors carry their code
 * and details in `error.data`; the protocol's own errors (parse, invalid request, unknown method) carry
 * `data: null`, as upstream OpenEnv sends them.
 */
import { type BenchError, JSONRPC, type JsonRpcCode } from '../../core/errors.js';
import { type JsonRpcErrorObject, jsonRpcErrorObject } from './errors.js';

export type JsonRpcId = string | number | null;

export interface JsonRpcResult {
  readonly jsonrpc: '2.0';
  readonly id: JsonRpcId;
  readonly result: unknown;
}

export interface JsonRpcError {
  readonly jsonrpc: '2.0';
  readonly id: JsonRpcId;
  readonly error: JsonRpcErrorObject;
}

export type JsonRpcResponse = JsonRpcResult | JsonRpcError;

export const jsonRpcResult = (id: JsonRpcId, result: unknown): JsonRpcResult => ({
  jsonrpc: '2.0',
  id,
  result,
});

/** A catalogue error as a JSON-RPC reply (`code` only where a transport's rule overrides the entry's). */
export function jsonRpcError(id: JsonRpcId, e: BenchError, code?: JsonRpcCode): JsonRpcError {
  return { jsonrpc: '2.0', id, error: jsonRpcErrorObject(e, code) };
}

const protocol = (id: JsonRpcId, code: JsonRpcCode, message: string): JsonRpcError => ({
  jsonrpc: '2.0',
  id,
  error: { code, message, data: null },
});

/** The protocol's own errors, worded as upstream OpenEnv words them. */
export const protocolError = {
  /** A body that is not JSON (`detail`: the parser's message, given on WS /mcp). */
  parse: (detail?: string): JsonRpcError =>
    protocol(null, JSONRPC.PARSE_ERROR, detail === undefined ? 'Parse error' : `Parse error: ${detail}`),
  /** JSON that is not a valid request object (`detail`: what is wrong). */
  invalidRequest: (detail: string): JsonRpcError =>
    protocol(null, JSONRPC.INVALID_REQUEST, `Invalid request: ${detail}`),
  methodNotFound: (id: JsonRpcId, method: string): JsonRpcError =>
    protocol(id, JSONRPC.METHOD_NOT_FOUND, `Method not found: ${method}`),
};
