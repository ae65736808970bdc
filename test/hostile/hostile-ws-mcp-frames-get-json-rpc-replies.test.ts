/**
 * 5,000 seeded hostile frames on WS /mcp (bare JSON-RPC, one MCP session per connection) over real
 * sockets, eight connections at a time, some opened with hostile ?task_id=&seed=: mutated and damaged
 * JSON-RPC, binary frames, bursts, calls after the episode ended, double submits, connections dropped
 * mid-call, invalid UTF-8 and oversized frames. Every frame gets exactly one JSON-RPC response in order
 * (-32700 for text that is not JSON), or the connection closes as promised (1000 after a session error,
 * 1007 and 1009 from the WebSocket layer); never CB_ERR_INTERNAL; /health keeps answering; the built-in
 * prototypes are untouched; and bystanders playing over WS /mcp are untouched.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { catalog, listen, testConfig } from '../server/helpers.js';
import { alone, beside, differences, Pacer, wsMcpExchange } from './bystanders.js';
import {
  jsonRpcProblem,
  Problems,
  prototypeChanges,
  prototypeSnapshot,
  Unhandled,
  wsExpectation,
  wsLayerClose,
} from './checks.js';
import { hostile, jsonRpc, TASK_IDS, wire } from './envelopes.js';
import { Gen, PROTO_NAMES } from './grammar.js';
import { HostileSocket } from './sockets.js';

/** Half of the /mcp transport's 10,000 inputs (the other half: hostile-mcp-requests-get-json-rpc-replies.test.ts). */
const INPUTS = 5_000;
const LANES = 8;
const config = testConfig({ MAX_BODY_BYTES: 256 * 1024, MAX_CONCURRENT_ENVS: 100_000 });
const app = buildApp(config, { catalog });
let base = '';
beforeAll(async () => {
  base = await listen(app);
});
afterAll(() => app.close());

const call = (id: number, name: string, args: unknown) =>
  JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });

function connectUrl(g: Gen): string {
  if (g.chance(0.85)) return `${base}/mcp?task_id=${g.pick(TASK_IDS)}&seed=${g.int(5)}`;
  const task = g.pick([...PROTO_NAMES, 'nope', '', 'T1_single_page']);
  return `${base}/mcp?task_id=${encodeURIComponent(task)}&seed=${g.pick(['-1', 'x', '1e999', '3'])}&profile=${g.pick(['llm', 'default', '__proto__', 'constructor'])}`;
}

it(`${INPUTS} hostile WS /mcp frames get one JSON-RPC reply each, and bystanders are untouched`, async () => {
  const http = base.replace('ws://', 'http://');
  const fresh = buildApp(config, { catalog });
  const freshBase = await listen(fresh);
  const baseline = await alone(async () => wsMcpExchange(freshBase));
  await fresh.close();

  const before = prototypeSnapshot();
  const unhandled = new Unhandled().install();
  const problems = new Problems();
  const pacer = new Pacer();
  const bystanders = beside(async () => wsMcpExchange(base), pacer, INPUTS, baseline);
  let sent = 0;
  let health = 0;
  let sessionErrors = 0;
  const closes: Record<string, number> = {};

  async function exchange(
    ws: HostileSocket,
    frames: ReadonlyArray<{ data: string | Buffer; binary: boolean }>,
  ) {
    for (const f of frames) ws.send(f.data, f.binary);
    sent += frames.length;
    for (let i = 0; i < frames.length; i++) pacer.tick();
    const refused = frames.map((f) => wsLayerClose(wsExpectation(f.data, false, config.MAX_BODY_BYTES)));
    // The WebSocket layer fails the connection at the first refused frame, dropping replies still pending.
    const killedAt = refused.findIndex((c) => c !== null);
    for (const [i, f] of frames.entries()) {
      const e = await ws.next();
      const shown = f.binary ? `<binary> ${f.data.toString()}` : f.data;
      if (e.kind === 'timeout') {
        problems.add('no reply and no close', shown);
        ws.terminate();
        return;
      }
      if (e.kind === 'close') {
        closes[e.code] = (closes[e.code] ?? 0) + 1;
        // A session error closes with 1000 after its -32000 reply; the WebSocket layer closes with 1007/1009.
        if (killedAt < 0 || i > killedAt || e.code !== refused[killedAt])
          problems.add(`closed with ${e.code}`, shown);
        return;
      }
      let v: unknown;
      try {
        v = JSON.parse(e.text);
      } catch {
        problems.add(`a reply that is not JSON: ${e.text.slice(0, 100)}`, shown);
        continue;
      }
      const p = jsonRpcProblem(v);
      if (p !== null) problems.add(p, shown);
      // A session that failed to open (a hostile ?task_id=) says so once, unasked, then closes.
      if ((v as { error?: { code?: number } }).error?.code === -32000) {
        sessionErrors += 1;
        const c = await ws.next();
        if (c.kind === 'close') closes[c.code] = (closes[c.code] ?? 0) + 1;
        if (c.kind !== 'close' || c.code !== 1000)
          problems.add(`a session error not followed by close 1000: ${JSON.stringify(c)}`, shown);
        return;
      }
      if (refused[i] !== null) problems.add('a reply to a frame the WebSocket layer must refuse', shown);
    }
  }

  await Promise.all(
    Array.from({ length: LANES }, async (_, lane) => {
      const g = new Gen(`hostile-ws-mcp-${lane}`);
      let ws: HostileSocket | null = null;
      let n = 0;
      while (sent < INPUTS) {
        if (ws === null || ws.closed) ws = await HostileSocket.open(connectUrl(g));
        const frame = () => ({ data: wire(g, hostile(g, jsonRpc(g, []), 0.3)), binary: false });
        const scenario = g.weighted<string>([
          [82, 'one'],
          [6, 'burst'],
          [3, 'binary'],
          [4, 'progress'],
          [3, 'mid-call'],
          [1, 'utf8'],
          [1, 'oversize'],
        ]);
        switch (scenario) {
          case 'one':
            await exchange(ws, [frame()]);
            break;
          case 'burst':
            await exchange(ws, Array.from({ length: 2 + g.int(4) }, frame));
            break;
          case 'binary': // WS /mcp reads a binary frame as its text
            await exchange(ws, [{ data: Buffer.from(call(++n, 'get_task_info', {})), binary: true }]);
            break;
          case 'progress': // fetch, submit, a second submit, a fetch after the end
            await exchange(
              ws,
              [
                call(++n, 'fetch_page', { page: 1, page_size: 10 }),
                call(++n, 'submit_results', { rows: [], run_log: [] }),
                call(++n, 'submit_results', { rows: [], run_log: [] }),
                call(++n, 'fetch_page', { page: 2, page_size: 10 }),
              ].map((data) => ({ data, binary: false })),
            );
            break;
          case 'mid-call':
            ws.send(g.chance(0.5) ? call(++n, 'submit_results', { rows: [], run_log: [] }) : frame().data);
            sent += 1;
            pacer.tick();
            ws.terminate();
            break;
          case 'utf8':
            await exchange(ws, [
              {
                data: Buffer.concat([
                  Buffer.from('{"jsonrpc":"2.0","id":1,"method":"tools/li'),
                  Buffer.from([0xff]),
                  Buffer.from('st"}'),
                ]),
                binary: false,
              },
            ]);
            break;
          default:
            await exchange(ws, [
              {
                data: call(++n, 'submit_results', { data_jsonl: 'x'.repeat(config.MAX_BODY_BYTES) }),
                binary: false,
              },
            ]);
        }
        if (sent % 250 < LANES) {
          const h = await fetch(`${http}/health`);
          if (h.status === 200 && (await h.text()) === '{"status":"healthy"}') health += 1;
          else problems.add(`/health answered ${h.status}`, '');
        }
      }
      ws?.terminate();
    }),
  );
  pacer.finish();
  const runs = await bystanders;
  unhandled.uninstall();

  expect(problems.list).toEqual([]);
  expect(unhandled.seen).toEqual([]);
  expect(prototypeChanges(before, prototypeSnapshot())).toEqual([]);
  expect(health).toBeGreaterThan(INPUTS / 250);
  expect(sessionErrors).toBeGreaterThan(0);
  expect(Object.keys(closes).sort()).toEqual(['1000', '1007', '1009']);
  expect(differences(runs, baseline)).toEqual([]);
  expect(baseline.map((r) => r.result.score)).toEqual([100, 100, 100, expect.any(Number)]);
});
