/**
 * 10,000 seeded hostile frames on /ws over real sockets, eight connections at a time, in four runs of
 * 2,500: mutated reset, step, state, mcp and close messages (tool arguments with real, forged and hostile
 * auth_token and cursor values among them), damaged JSON, binary frames, invalid UTF-8,
 * oversized frames, bursts of frames sent at once, and out-of-order messages (step before reset, after the
 * end, double submit, close mid-step, messages after close). Each frame gets exactly what the README's
 * Server section promises for it (one typed reply in order; SESSION_ERROR and close 1000 for binary and
 * non-object frames; no reply and close 1000 after `close`; 1007 and 1009 from the WebSocket layer), never
 * CB_ERR_INTERNAL; /health keeps answering; the built-in prototypes are untouched; and bystanders on /ws
 * are untouched.
 */
import { expect, it } from 'vitest';
import { testConfig } from '../server/helpers.js';
import { wsExchange } from './bystanders.js';
import { wsExpectation, wsLayerClose, wsReplyProblem } from './checks.js';
import {
  action,
  firstFetchArgs,
  hostile,
  jsonRpc,
  KNOWN_SEEDS,
  resetData,
  TASK_IDS,
  wire,
} from './envelopes.js';
import { Gen, type J, obj } from './grammar.js';
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

const RUNS = 4;
const INPUTS = 2_500;
const LANES = 8;
const config = testConfig({ MAX_BODY_BYTES: 256 * 1024 });
const t = target(config, (_app, base) => wsExchange(base));

/** A mutated message of one of the five types (or none), as a text frame. */
function message(g: Gen, type?: string): string | Buffer {
  const t =
    type ??
    g.weighted<string>([
      [3, 'reset'],
      [8, 'step'],
      [2, 'state'],
      [2, 'mcp'],
      [1, 'close'],
      [1, 'bogus'],
    ]);
  const fields: Record<string, J> = { type: t };
  if (t === 'reset' && !g.chance(0.1)) fields.data = resetData(g);
  if (t === 'step') fields.data = action(g);
  if (t === 'mcp') fields.data = jsonRpc(g, []);
  return wire(g, hostile(g, obj(fields), t === 'close' ? 0.05 : 0.3));
}

/** Valid messages that move an episode on: a reset, then the first fetch of its task (token or cursor). */
function validStart(g: Gen): [string, string] {
  const task_id = g.pick(TASK_IDS);
  const seed = g.pick(KNOWN_SEEDS);
  return [
    JSON.stringify({ type: 'reset', data: { task_id, seed } }),
    JSON.stringify({
      type: 'step',
      data: { type: 'call_tool', tool_name: 'fetch_page', arguments: firstFetchArgs(task_id, seed) },
    }),
  ];
}
const VALID_SUBMIT = JSON.stringify({
  type: 'step',
  data: { type: 'call_tool', tool_name: 'submit_results', arguments: { rows: [], run_log: [] } },
});

/** Each lane's generator, carried from run to run; the closes seen over all runs. */
const gens = Array.from({ length: LANES }, (_, i) => new Gen(`hostile-ws-${i}`));
const closes: Record<string, number> = {};

/** Checks the outcome of frames sent at once, in order. */
async function exchange(run: Run, ws: HostileSocket, frames: readonly Frame[]): Promise<void> {
  const exps = frames.map((f) => wsExpectation(f.data, f.binary, config.MAX_BODY_BYTES));
  // The WebSocket layer fails the connection at a frame with invalid UTF-8 or over the size limit, dropping
  // replies still pending for earlier frames of the burst (an mcp message is answered asynchronously).
  const killedAt = exps.findIndex((x) => wsLayerClose(x) !== null);
  const killCode = killedAt < 0 ? null : wsLayerClose(exps[killedAt]!);
  for (const [i, f] of frames.entries()) {
    const exp = exps[i]!;
    const e = await ws.next();
    const shown = f.binary ? `<binary> ${f.data.toString()}` : f.data;
    if (e.kind === 'timeout') {
      run.problems.add(`no reply and no close (${exp.kind})`, shown);
      ws.terminate();
      return;
    }
    if (e.kind === 'close') {
      closes[e.code] = (closes[e.code] ?? 0) + 1;
      const wanted = exp.kind === 'close' ? 1000 : wsLayerClose(exp);
      if (wanted !== e.code && !(i < killedAt && e.code === killCode))
        run.problems.add(`closed with ${e.code} where ${exp.kind} was expected`, shown);
      return;
    }
    if (exp.kind === 'fatal') {
      const p = wsReplyProblem(e.text, { kind: 'reply', types: ['error'], codes: ['SESSION_ERROR'] });
      if (p !== null) run.problems.add(`fatal frame: ${p}`, shown);
      const c = await ws.next();
      if (c.kind !== 'close' || c.code !== 1000)
        run.problems.add(`fatal frame not followed by close 1000: ${JSON.stringify(c)}`, shown);
      return;
    }
    const p = wsReplyProblem(e.text, exp);
    if (p !== null) run.problems.add(p, shown);
  }
}

/** One scenario, chosen by the lane's generator: one frame, a burst, a sequence, a dropped connection... */
function scenario(g: Gen, io: SocketIo): Promise<boolean> {
  switch (
    g.weighted<string>([
      [40, 'one'],
      [46, 'burst'],
      [3, 'binary'],
      [3, 'progress'],
      [3, 'after-close'],
      [2, 'mid-step'],
      [1, 'utf8'],
      [1, 'oversize'],
    ])
  ) {
    case 'one':
      return io.send([textFrame(message(g))]);
    case 'burst':
      return io.send(Array.from({ length: 2 + g.int(7) }, () => textFrame(message(g))));
    case 'binary':
      return io.send([
        { data: Buffer.from(g.chance(0.5) ? validStart(g)[0] : message(g).toString()), binary: true },
      ]);
    case 'progress': // reset, fetch, submit, a second submit, a step after the end, state
      return io.send(
        [...validStart(g), VALID_SUBMIT, VALID_SUBMIT, message(g, 'step'), '{"type":"state"}'].map(textFrame),
      );
    case 'after-close': // close, then more frames in the same burst: no reply to any of them
      return io.send(['{"type":"close"}', validStart(g)[0], message(g)].map(textFrame));
    case 'mid-step': // a step, and the connection dropped before its reply
      return io.drop(textFrame(g.chance(0.5) ? VALID_SUBMIT : message(g, 'step')));
    case 'utf8':
      return io.send([
        textFrame(
          Buffer.concat([Buffer.from('{"type":"state'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]),
        ),
      ]);
    default: // one frame over MAX_BODY_BYTES
      return io.send([textFrame(`{"type":"reset","data":{"pad":"${'x'.repeat(config.MAX_BODY_BYTES)}"}}`)]);
  }
}

for (let r = 1; r <= RUNS; r++) {
  it(`hostile /ws frames, run ${r} of ${RUNS} (${INPUTS}): the promised typed replies; bystanders untouched`, async () => {
    const http = t.base.replace('ws://', 'http://');
    const report = await hostileRun({
      inputs: INPUTS,
      lanes: LANES,
      baseline: t.baseline,
      bystander: () => wsExchange(t.base),
      health: async () => (await (await fetch(`${http}/health`)).text()) === '{"status":"healthy"}',
      lane: (i, run) =>
        socketLane(
          run,
          () => HostileSocket.open(`${t.base}/ws`),
          exchange,
          (io) => scenario(gens[i]!, io),
        ),
    });
    expectClean(report, INPUTS);
    expect(t.baseline.map((b) => b.result.score)).toEqual([100, 100, 100, expect.any(Number)]);
  });
}

it('over the runs, every kind of close happened: 1000 (after close or a fatal frame), 1007 (bad UTF-8), 1009 (oversize)', () => {
  expect(Object.keys(closes).sort()).toEqual(['1000', '1007', '1009']);
});
