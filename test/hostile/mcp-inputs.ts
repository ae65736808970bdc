/**
 * Hostile /mcp requests: OpenEnv JSON-RPC (tools/list, tools/call, openenv/session/create|close), the MCP
 * Streamable HTTP handshake and session requests (initialize, Mcp-Session-Id, ping, notifications, DELETE),
 * batches, damaged bodies and odd content types, each mutated from a valid request.
 */
import type { InjectOptions } from 'fastify';
import { action, hostile, jsonRpc, TASK_IDS, wire } from './envelopes.js';
import { type Gen, hostileValue, type J, obj, PROTO_NAMES, text } from './grammar.js';

/** Session ids a lane has seen: OpenEnv sessions (session_id) and MCP sessions (Mcp-Session-Id). */
export interface McpLaneState {
  readonly openenv: string[];
  readonly sdk: string[];
}

export interface McpInput {
  readonly options: InjectOptions;
  readonly shown: string;
  readonly kind: 'openenv' | 'initialize' | 'session' | 'delete' | 'get' | 'batch';
}

const remember = (list: string[], id: string) => {
  list.push(id);
  if (list.length > 20) list.shift();
};

/** Learns session ids from a reply (openenv/session/create results, initialize's Mcp-Session-Id). */
export function learn(
  state: McpLaneState,
  kind: McpInput['kind'],
  res: { headers: Record<string, unknown>; body: string },
): void {
  const sid = res.headers['mcp-session-id'];
  if (kind === 'initialize' && typeof sid === 'string') remember(state.sdk, sid);
  if (kind !== 'openenv') return;
  try {
    const r = JSON.parse(res.body) as { result?: { session_id?: unknown } };
    if (typeof r.result?.session_id === 'string') remember(state.openenv, r.result.session_id);
  } catch {
    // not JSON: nothing to learn
  }
}

/** An MCP (not OpenEnv) request a session makes: tools/call, tools/list, ping, a notification. */
function mcpRequest(g: Gen): J {
  const id = 1 + g.int(1000);
  switch (g.int(4)) {
    case 0: {
      const a = action(g);
      const name = a.entries.find(([k]) => k === 'tool_name')?.[1] ?? 'get_task_info';
      const args = a.entries.find(([k]) => k === 'arguments')?.[1] ?? obj({});
      return obj({ jsonrpc: '2.0', id, method: 'tools/call', params: obj({ name, arguments: args }) });
    }
    case 1:
      return obj({ jsonrpc: '2.0', id, method: 'tools/list', params: obj({}) });
    case 2:
      return obj({ jsonrpc: '2.0', id, method: 'ping' });
    default:
      return obj({ jsonrpc: '2.0', method: 'notifications/initialized' });
  }
}

const INITIALIZE = (g: Gen): J =>
  obj({
    jsonrpc: '2.0',
    id: 1 + g.int(1000),
    method: 'initialize',
    params: obj({
      protocolVersion: '2025-06-18',
      capabilities: obj({}),
      clientInfo: obj({ name: 'hostile', version: '1' }),
    }),
  });

function episodeQuery(g: Gen): string {
  if (g.chance(0.5)) return '';
  const task = g.chance(0.7) ? g.pick(TASK_IDS) : g.pick([...PROTO_NAMES, 'nope', '']);
  const seed = g.pick(['0', '3', '-1', 'abc', '1e9', '99999999999999999999']);
  return `?task_id=${encodeURIComponent(task)}&seed=${seed}`;
}

/**
 * A header value as HTTP can carry it: Node's parser takes tab, visible ASCII and bytes 0x80-0xFF (decoded
 * as latin1), and refuses the request otherwise; app.inject would pass anything through.
 */
const headerSafe = (v: string) => v.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');

const CONTENT_TYPES = [
  'application/json',
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  '',
];

export function mcpInput(g: Gen, state: McpLaneState): McpInput {
  const headers: Record<string, string> = {};
  const ct = g.pick(CONTENT_TYPES);
  if (ct !== '') headers['content-type'] = ct;
  if (g.chance(0.3))
    headers.accept = g.pick([
      'application/json',
      'text/event-stream',
      'application/json, text/event-stream',
      '*/*',
    ]);
  const kind = g.weighted<McpInput['kind']>([
    [60, 'openenv'],
    [10, 'initialize'],
    [15, 'session'],
    [5, 'delete'],
    [3, 'get'],
    [4, 'batch'],
  ]);
  let url = '/mcp';
  let method: InjectOptions['method'] = 'POST';
  let body: J | undefined;
  switch (kind) {
    case 'openenv':
      body = hostile(g, jsonRpc(g, state.openenv), 0.3);
      break;
    case 'initialize':
      url += episodeQuery(g);
      if (g.chance(0.2)) headers['x-task-id'] = headerSafe(String(hostileValue(g)).slice(0, 100));
      body = hostile(g, INITIALIZE(g), 0.5);
      break;
    case 'session':
      headers['mcp-session-id'] =
        state.sdk.length > 0 && g.chance(0.8) ? g.pick(state.sdk) : g.pick(['nope', ...PROTO_NAMES]);
      if (g.chance(0.5))
        headers['mcp-protocol-version'] = g.pick(['2025-06-18', '2025-03-26', '1999-01-01', '']);
      body = hostile(g, mcpRequest(g), 0.5);
      break;
    case 'delete':
      method = 'DELETE';
      if (g.chance(0.8))
        headers['mcp-session-id'] = state.sdk.length > 0 && g.chance(0.7) ? g.pick(state.sdk) : 'nope';
      break;
    case 'get':
      method = 'GET';
      break;
    default:
      body = Array.from({ length: 1 + g.int(3) }, () => hostile(g, jsonRpc(g, state.openenv), 0.5));
  }
  const payload = body === undefined ? undefined : g.chance(0.9) ? wire(g, body) : text(body);
  return {
    kind,
    options: { method, url, headers, ...(payload === undefined ? {} : { payload }) },
    shown: `${method} ${url} ${JSON.stringify(headers)} ${payload === undefined ? '' : payload.toString().slice(0, 200)}`,
  };
}
