/**
 * 5,000 seeded hostile frames on WS /mcp (bare JSON-RPC, one MCP session per connection; half of the
 * /mcp transport's 10,000, the other half: hostile-mcp-requests-get-json-rpc-replies.test.ts) over real
 * sockets, eight connections at a time, in two runs of 2,500, some connections opened with a hostile
 * ?task_id=&seed=: mutated and damaged JSON-RPC, binary frames, bursts, calls after the episode ended,
 * double submits, connections dropped mid-call, invalid UTF-8 and oversized frames. Every frame gets
 * exactly one JSON-RPC response in order (-32700 for text that is not JSON), or the connection closes as
 * promised (1000 after a session error, 1007 and 1009 from the WebSocket layer); never CB_ERR_INTERNAL;
 * /health keeps answering; the built-in prototypes are untouched; and bystanders playing over WS /mcp are
 * untouched.
 */
import { expect, it } from 'vitest';
import { testConfig } from '../server/helpers.js';
import { wsMcpExchange } from './bystanders.js';
import { jsonRpcProblem, wsExpectation, wsLayerClose } from './checks.js';
import { firstFetchArgs, hostile, jsonRpc, KNOWN_SEEDS, TASK_IDS, wire } from './envelopes.js';
import { Gen, PROTO_NAMES } from './grammar.js';
import {
  expectClean,
  target,
  type Frame,
  hostileRun,
  type Run,
  type SocketIo,
  socketLane,
  textFrame,
} from './harness.js';
import { HostileSocket } from './sockets.js';

const RUNS = 2;
const INPUTS = 2_500;
const LANES = 8;
const config = testConfig({ MAX_BODY_BYTES: 256 * 1024, MAX_CONCURRENT_ENVS: 100_000 });
const t = target(config, async (_app, base) => wsMcpExchange(base));

const call = (id: number, name: string, args: unknown) =>
  JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } });

/**
 * Opens the lane's next connection: mostly on a valid task and known seed (the lane then knows a valid
 * first fetch_page for it, auth_token or cursor included), else with a hostile query.
 */
function connect(l: (typeof lanes)[number]): Promise<HostileSocket> {
  const { g } = l;
  if (g.chance(0.15)) {
    l.firstFetch = { page: 1, page_size: 10 };
    return HostileSocket.open(hostileUrl(g));
  }
  const task = g.pick(TASK_IDS);
  const seed = g.pick(KNOWN_SEEDS);
  l.firstFetch = firstFetchArgs(task, seed);
  return HostileSocket.open(`${t.base}/mcp?task_id=${task}&seed=${seed}`);
}

function hostileUrl(g: Gen): string {
  const task = g.pick([...PROTO_NAMES, 'nope', '', 'T1_single_page']);
  return `${t.base}/mcp?task_id=${encodeURIComponent(task)}&seed=${g.pick(['-1', 'x', '1e999', '3'])}&profile=${g.pick(['llm', 'default', '__proto__', 'constructor'])}`;
}

/** Each lane's generator and request counter, carried from run to run; what was seen over all runs. */
const lanes = Array.from({ length: LANES }, (_, i) => ({
  g: new Gen(`hostile-ws-mcp-${i}`),
  n: 0,
  firstFetch: {} as Record<string, unknown>,
}));
const closes: Record<string, number> = {};
let sessionErrors = 0;

/** Checks the replies (or the close) of frames sent at once, in order. */
async function exchange(run: Run, ws: HostileSocket, frames: readonly Frame[]): Promise<void> {
  const refused = frames.map((f) => wsLayerClose(wsExpectation(f.data, false, config.MAX_BODY_BYTES)));
  // The WebSocket layer fails the connection at the first refused frame, dropping replies still pending.
  const killedAt = refused.findIndex((c) => c !== null);
  for (const [i, f] of frames.entries()) {
    const e = await ws.next();
    const shown = f.binary ? `<binary> ${f.data.toString()}` : f.data;
    if (e.kind === 'timeout') {
      run.problems.add('no reply and no close', shown);
      ws.terminate();
      return;
    }
    if (e.kind === 'close') {
      closes[e.code] = (closes[e.code] ?? 0) + 1;
      if (killedAt < 0 || i > killedAt || e.code !== refused[killedAt])
        run.problems.add(`closed with ${e.code}`, shown);
      return;
    }
    let v: unknown;
    try {
      v = JSON.parse(e.text);
    } catch {
      run.problems.add(`a reply that is not JSON: ${e.text.slice(0, 100)}`, shown);
      continue;
    }
    const p = jsonRpcProblem(v);
    if (p !== null) run.problems.add(p, shown);
    // A session that failed to open (a hostile ?task_id=) says so once, unasked, then closes with 1000.
    if ((v as { error?: { code?: number } }).error?.code === -32000) {
      sessionErrors += 1;
      const c = await ws.next();
      if (c.kind === 'close') closes[c.code] = (closes[c.code] ?? 0) + 1;
      if (c.kind !== 'close' || c.code !== 1000)
        run.problems.add(`a session error not followed by close 1000: ${JSON.stringify(c)}`, shown);
      return;
    }
    if (refused[i] !== null) run.problems.add('a reply to a frame the WebSocket layer must refuse', shown);
  }
}

/** One scenario, chosen by the lane's generator: one frame, a burst, a sequence, a dropped connection... */
function scenario(l: (typeof lanes)[number], io: SocketIo): Promise<boolean> {
  const { g } = l;
  const frame = () => textFrame(wire(g, hostile(g, jsonRpc(g, []), 0.3)));
  switch (
    g.weighted<string>([
      [42, 'one'],
      [46, 'burst'],
      [3, 'binary'],
      [4, 'progress'],
      [3, 'mid-call'],
      [1, 'utf8'],
      [1, 'oversize'],
    ])
  ) {
    case 'one':
      return io.send([frame()]);
    case 'burst':
      return io.send(Array.from({ length: 2 + g.int(7) }, frame));
    case 'binary': // WS /mcp reads a binary frame as its text
      return io.send([{ data: Buffer.from(call(++l.n, 'get_task_info', {})), binary: true }]);
    case 'progress': // the first fetch, submit, a second submit, a fetch after the end
      return io.send(
        [
          call(++l.n, 'fetch_page', l.firstFetch),
          call(++l.n, 'submit_results', { rows: [], run_log: [] }),
          call(++l.n, 'submit_results', { rows: [], run_log: [] }),
          call(++l.n, 'fetch_page', { page: 2, page_size: 10 }),
        ].map(textFrame),
      );
    case 'mid-call': // a call, and the connection dropped before its reply
      return io.drop(
        g.chance(0.5) ? textFrame(call(++l.n, 'submit_results', { rows: [], run_log: [] })) : frame(),
      );
    case 'utf8':
      return io.send([
        textFrame(
          Buffer.concat([
            Buffer.from('{"jsonrpc":"2.0","id":1,"method":"tools/li'),
            Buffer.from([0xff]),
            Buffer.from('st"}'),
          ]),
        ),
      ]);
    default: // one frame over MAX_BODY_BYTES
      return io.send([
        textFrame(call(++l.n, 'submit_results', { data_jsonl: 'x'.repeat(config.MAX_BODY_BYTES) })),
      ]);
  }
}

for (let r = 1; r <= RUNS; r++) {
  it(`hostile WS /mcp frames, run ${r} of ${RUNS} (${INPUTS}): one JSON-RPC reply each; bystanders untouched`, async () => {
    const http = t.base.replace('ws://', 'http://');
    const report = await hostileRun({
      inputs: INPUTS,
      lanes: LANES,
      baseline: t.baseline,
      bystander: async () => wsMcpExchange(t.base),
      health: async () => (await (await fetch(`${http}/health`)).text()) === '{"status":"healthy"}',
      lane: (i, run) =>
        socketLane(
          run,
          () => connect(lanes[i]!),
          exchange,
          (io) => scenario(lanes[i]!, io),
        ),
    });
    expectClean(report, INPUTS);
    expect(t.baseline.map((b) => b.result.score)).toEqual([100, 100, 100, expect.any(Number)]);
  });
}

it('over the runs, sessions failed to open with -32000 then 1000, and the WebSocket layer closed with 1007 and 1009', () => {
  expect(sessionErrors).toBeGreaterThan(0);
  expect(Object.keys(closes).sort()).toEqual(['1000', '1007', '1009']);
});
