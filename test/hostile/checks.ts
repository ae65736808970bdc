/**
 * The properties every hostile input must keep: each reply is a typed error (a catalogue code over HTTP, an
 * OpenEnv error frame over /ws, a JSON-RPC error on /mcp) or a valid reply, never CB_ERR_INTERNAL; nothing
 * is left unhandled; Object.prototype and the other built-in prototypes are untouched.
 */
import { ERRORS } from '../../src/core/errors.js';
import { POLLUTION_MARK } from './grammar.js';

type Json = unknown;
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const hasCode = (code: unknown): code is keyof typeof ERRORS =>
  typeof code === 'string' && Object.hasOwn(ERRORS, code);

/** Problems found, each with the input that caused it (cut short), kept to a readable few. */
export class Problems {
  readonly list: string[] = [];
  count = 0;
  add(problem: string, input: string | Buffer): void {
    this.count += 1;
    if (this.list.length < 8) {
      const shown = typeof input === 'string' ? input : `<${input.length} bytes> ${input.toString('utf8')}`;
      this.list.push(`${problem}\n    input: ${shown.slice(0, 300)}`);
    }
  }
}

function parse(body: string): { ok: true; value: Json } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch {
    return { ok: false };
  }
}

/** What is wrong with a catalogue error body, or null. */
function catalogueProblem(status: number, body: Json, requestId: unknown): string | null {
  if (!isObject(body) || !isObject(body.error)) return `status ${status} without an error object`;
  const { code, message, request_id } = body.error;
  if (!hasCode(code)) return `status ${status} with an unknown code ${String(code)}`;
  if (code === 'CB_ERR_INTERNAL') return `CB_ERR_INTERNAL: ${String(message)}`;
  if (ERRORS[code].status !== status) return `${code} sent with status ${status}, not ${ERRORS[code].status}`;
  if (typeof message !== 'string' || message === '') return `${code} without a message`;
  if (request_id !== requestId)
    return `${code}: request_id ${String(request_id)} is not the x-request-id header`;
  return null;
}

const TRIPLE_ROUTES = new Set(['/reset', '/step', '/web/reset', '/web/step']);

/** An HTTP reply of the OpenEnv routes (not /mcp): what is wrong with it, or null. */
export function httpReplyProblem(
  path: string,
  res: { statusCode: number; headers: Record<string, unknown>; body: string },
): string | null {
  const { statusCode: status, body } = res;
  if (status >= 300 && status < 400)
    return typeof res.headers.location === 'string' ? null : 'redirect without Location';
  const parsed = parse(body);
  if (status >= 400) {
    if (!parsed.ok) return `status ${status} with a body that is not JSON: ${body.slice(0, 120)}`;
    if (
      status === 503 &&
      isObject(parsed.value) &&
      isObject(parsed.value.error) &&
      parsed.value.error.code !== 'CB_ERR_CAPACITY'
    )
      return `503 other than capacity: ${body.slice(0, 200)}`;
    return catalogueProblem(status, parsed.value, res.headers['x-request-id']);
  }
  if (status !== 200) return `unexpected status ${status}`;
  if (path.startsWith('/web/') && path === '/web/')
    return body.includes('<html') ? null : 'the page is not HTML';
  if (!parsed.ok) return `200 with a body that is not JSON: ${body.slice(0, 120)}`;
  const v = parsed.value;
  if (TRIPLE_ROUTES.has(path)) {
    if (
      !isObject(v) ||
      !isObject(v.observation) ||
      typeof v.done !== 'boolean' ||
      !(v.reward === null || typeof v.reward === 'number')
    )
      return `200 that is not an observation triple: ${body.slice(0, 200)}`;
    // A reset may also hand out the episode's token beside the triple.
    if (Object.keys(v).some((k) => !['observation', 'reward', 'done', 'episode_token'].includes(k)))
      return 'extra keys in a triple';
  }
  if (
    (path === '/state' || path === '/web/state') &&
    (!isObject(v) || !('episode_id' in v) || typeof v.step_count !== 'number')
  )
    return `200 state without episode_id/step_count: ${body.slice(0, 200)}`;
  if (path === '/health' && (!isObject(v) || v.status !== 'healthy')) return 'unhealthy /health';
  return null;
}

const RPC_CODES = new Set([-32700, -32600, -32601, -32602, -32603, -32000, -32001, -32002]);

/** One JSON-RPC response object: what is wrong with it, or null. `sentId` is checked when known. */
export function jsonRpcProblem(v: Json, sentId?: string | number | null): string | null {
  if (!isObject(v) || v.jsonrpc !== '2.0')
    return `not a JSON-RPC response: ${JSON.stringify(v).slice(0, 200)}`;
  const hasResult = 'result' in v;
  const hasError = 'error' in v;
  if (hasResult === hasError) return 'a response needs exactly one of result and error';
  if (!(v.id === null || typeof v.id === 'string' || typeof v.id === 'number'))
    return 'a response id of a bad type';
  if (sentId !== undefined && v.id !== sentId && v.id !== null)
    return `response id ${String(v.id)} for request ${String(sentId)}`;
  if (hasError) {
    const e = v.error;
    if (!isObject(e) || typeof e.code !== 'number' || typeof e.message !== 'string')
      return 'a malformed error object';
    if (!RPC_CODES.has(e.code)) return `JSON-RPC error code ${e.code} outside the protocol's`;
    if (isObject(e.data) && 'code' in e.data) {
      if (!hasCode(e.data.code)) return `JSON-RPC error data with unknown code ${String(e.data.code)}`;
      if (e.data.code === 'CB_ERR_INTERNAL') return `CB_ERR_INTERNAL: ${e.message}`;
    }
    return null;
  }
  // A tools/call result: an is_error result must carry a catalogue error too.
  const r = v.result;
  if (isObject(r) && r.is_error === true) {
    const sc = (r.structured_content ?? r.structuredContent) as Json;
    const err = isObject(sc) ? sc.error : undefined;
    if (isObject(err) && 'code' in err) {
      if (!hasCode(err.code)) return `tool error with unknown code ${String(err.code)}`;
      if (err.code === 'CB_ERR_INTERNAL') return `tool CB_ERR_INTERNAL: ${String(err.message)}`;
    }
  }
  return null;
}

/** A POST/DELETE/GET /mcp reply over HTTP: what is wrong with it, or null. */
export function mcpHttpProblem(
  res: { statusCode: number; headers: Record<string, unknown>; body: string },
  method = 'POST',
): string | null {
  const { statusCode: status, body } = res;
  if (status >= 500) return `status ${status}: ${body.slice(0, 200)}`;
  if (status === 202) return body === '' ? null : '202 with a body';
  if (![200, 400, 403, 404, 405, 406, 413, 415].includes(status)) return `unexpected status ${status}`;
  // A DELETE that ended a session is an empty 200.
  if (body === '') return status === 200 && method !== 'DELETE' ? 'an empty 200' : null;
  const parsed = parse(body);
  if (!parsed.ok) return `a body that is not JSON (status ${status}): ${body.slice(0, 120)}`;
  // Methods /mcp does not serve, and bodies Fastify refuses, get the service's own catalogue error.
  const v = parsed.value;
  if (isObject(v) && isObject(v.error) && typeof v.error.code === 'string')
    return catalogueProblem(status, v, res.headers['x-request-id']);
  const responses = Array.isArray(parsed.value) ? parsed.value : [parsed.value];
  for (const r of responses) {
    const p = jsonRpcProblem(r);
    if (p !== null) return p;
  }
  return null;
}

const WS_CODES = new Set([
  'INVALID_JSON',
  'UNKNOWN_TYPE',
  'VALIDATION_ERROR',
  'EXECUTION_ERROR',
  'CAPACITY_REACHED',
  'SESSION_ERROR',
]);
const WS_TYPES = new Set(['reset', 'step', 'state', 'close', 'mcp']);

/** What the server must do with one /ws frame, predicted from the frame alone (README, Server section). */
export type WsExpectation =
  | { kind: 'reply'; types: readonly string[]; codes: readonly string[] }
  | { kind: 'fatal' }
  | { kind: 'close' }
  | { kind: 'bad-utf8' }
  | { kind: 'oversize' };

/** What the WebSocket layer does before the server sees a frame: 1009 over the size limit, 1007 for bad UTF-8. */
export function wsLayerClose(exp: WsExpectation): 1007 | 1009 | null {
  return exp.kind === 'oversize' ? 1009 : exp.kind === 'bad-utf8' ? 1007 : null;
}

export function wsExpectation(frame: string | Buffer, binary: boolean, maxBytes: number): WsExpectation {
  if (Buffer.byteLength(frame) > maxBytes) return { kind: 'oversize' };
  if (binary) return { kind: 'fatal' };
  if (Buffer.isBuffer(frame) && !isUtf8(frame)) return { kind: 'bad-utf8' };
  const parsed = parse(frame.toString());
  if (!parsed.ok) return { kind: 'reply', types: ['error'], codes: ['INVALID_JSON'] };
  const m = parsed.value;
  if (!isObject(m)) return { kind: 'fatal' };
  if (typeof m.type !== 'string' || !WS_TYPES.has(m.type))
    return { kind: 'reply', types: ['error'], codes: ['UNKNOWN_TYPE'] };
  if (m.type === 'close' && Object.keys(m).length === 1) return { kind: 'close' };
  const ok = { reset: 'observation', step: 'observation', state: 'state', mcp: 'mcp', close: 'none' }[
    m.type
  ]!;
  return { kind: 'reply', types: [ok, 'error'], codes: ['VALIDATION_ERROR', 'EXECUTION_ERROR'] };
}

function isUtf8(b: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
}

/** One /ws reply frame against its expectation: what is wrong with it, or null. */
export function wsReplyProblem(reply: string, exp: WsExpectation): string | null {
  const parsed = parse(reply);
  if (!parsed.ok || !isObject(parsed.value))
    return `a reply that is not a JSON object: ${reply.slice(0, 120)}`;
  const { type, data } = parsed.value;
  if (exp.kind !== 'reply') return `a reply where ${exp.kind} was expected: ${reply.slice(0, 200)}`;
  if (typeof type !== 'string' || !exp.types.includes(type))
    return `reply type ${String(type)}, expected ${exp.types.join('|')}: ${reply.slice(0, 200)}`;
  if (!isObject(data)) return 'a reply without data';
  if (type === 'error') {
    if (!WS_CODES.has(data.code as string) || !exp.codes.includes(data.code as string))
      return `error code ${String(data.code)}, expected ${exp.codes.join('|')}: ${reply.slice(0, 200)}`;
    if (!hasCode(data.cb_code)) return `error frame with unknown cb_code ${String(data.cb_code)}`;
    if (data.cb_code === 'CB_ERR_INTERNAL') return `CB_ERR_INTERNAL: ${String(data.message)}`;
    if (typeof data.message !== 'string' || data.message === '') return 'error frame without a message';
  }
  if (type === 'observation') {
    if (
      !isObject(data.observation) ||
      typeof data.done !== 'boolean' ||
      !(data.reward === null || typeof data.reward === 'number')
    )
      return `an observation frame that is not a triple: ${reply.slice(0, 200)}`;
    const obs = data.observation;
    const result = obs.result;
    if (isObject(result) && result.is_error === true) {
      const sc = (result.structured_content ?? result.data) as Json;
      const err = isObject(sc) ? sc.error : undefined;
      if (isObject(err) && err.code === 'CB_ERR_INTERNAL')
        return `tool CB_ERR_INTERNAL: ${String(err.message)}`;
    }
  }
  if (type === 'mcp') return jsonRpcProblem(data);
  return null;
}

// ---- Process-wide invariants ----

const PROTOTYPES: ReadonlyArray<[string, object]> = [
  ['Object', Object.prototype],
  ['Array', Array.prototype],
  ['Function', Function.prototype],
  ['String', String.prototype],
  ['Number', Number.prototype],
];

/** The own properties of the built-in prototypes (names, and the identity of each value or accessor). */
export function prototypeSnapshot(): Map<string, unknown> {
  const m = new Map<string, unknown>();
  for (const [name, proto] of PROTOTYPES) {
    for (const key of Reflect.ownKeys(proto)) {
      const d = Object.getOwnPropertyDescriptor(proto, key)!;
      m.set(`${name}.${String(key)}`, [d.value, d.get, d.set, d.writable, d.enumerable, d.configurable]);
    }
  }
  return m;
}

/** Differences between two snapshots (added, removed or changed properties); empty when untouched. */
export function prototypeChanges(before: Map<string, unknown>, after: Map<string, unknown>): string[] {
  const out: string[] = [];
  for (const [k, v] of after) {
    const b = before.get(k) as unknown[] | undefined;
    if (b === undefined) out.push(`added ${k}`);
    else if ((v as unknown[]).some((x, i) => x !== b[i])) out.push(`changed ${k}`);
  }
  for (const k of before.keys()) if (!after.has(k)) out.push(`removed ${k}`);
  if (({} as Record<string, unknown>)[POLLUTION_MARK] !== undefined) out.push(`{}.${POLLUTION_MARK} is set`);
  return out;
}

/** Counts unhandled rejections and uncaught exceptions while it is installed. */
export class Unhandled {
  readonly seen: string[] = [];
  private readonly onRejection = (e: unknown) => this.seen.push(`unhandled rejection: ${String(e)}`);
  private readonly onException = (e: unknown) => this.seen.push(`uncaught exception: ${String(e)}`);
  install(): this {
    process.on('unhandledRejection', this.onRejection);
    process.on('uncaughtException', this.onException);
    return this;
  }
  uninstall(): void {
    process.off('unhandledRejection', this.onRejection);
    process.off('uncaughtException', this.onException);
  }
}
