/**
 * 10,000 seeded hostile frames on /ws over real sockets, eight connections at a time: mutated reset, step,
 * state, mcp and close messages, damaged JSON, binary frames, invalid UTF-8, oversized frames, bursts of
 * frames sent at once, and out-of-order messages (step before reset, after the end, double submit, close
 * mid-step, messages after close). Each frame gets exactly what the README's Server section promises for
 * it (one typed reply in order; SESSION_ERROR and close 1000 for binary and non-object frames; no reply and
 * close 1000 after `close`; 1007 and 1009 from the WebSocket layer), never CB_ERR_INTERNAL; /health keeps
 * answering; the built-in prototypes are untouched; and bystanders on /ws are untouched.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { catalog, listen, testConfig } from '../server/helpers.js';
import { alone, beside, differences, Pacer, wsExchange } from './bystanders.js';
import {
  Problems,
  prototypeChanges,
  prototypeSnapshot,
  Unhandled,
  wsExpectation,
  wsLayerClose,
  wsReplyProblem,
} from './checks.js';
import { action, hostile, jsonRpc, resetData, wire } from './envelopes.js';
import { Gen, type J, obj } from './grammar.js';
import { HostileSocket } from './sockets.js';

const INPUTS = 10_000;
const LANES = 8;
const config = testConfig({ MAX_BODY_BYTES: 256 * 1024 });
const app = buildApp(config, { catalog });
let base = '';
beforeAll(async () => {
  base = await listen(app);
});
afterAll(() => app.close());

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

/** A valid message (to move an episode on: reset, fetch, submit). */
function valid(g: Gen, type: 'reset' | 'fetch' | 'submit'): string {
  if (type === 'reset')
    return JSON.stringify({ type: 'reset', data: { task_id: g.pick(catalog.ids), seed: g.int(5) } });
  if (type === 'fetch')
    return JSON.stringify({
      type: 'step',
      data: { type: 'call_tool', tool_name: 'fetch_page', arguments: { page: 1 + g.int(3), page_size: 10 } },
    });
  return JSON.stringify({
    type: 'step',
    data: { type: 'call_tool', tool_name: 'submit_results', arguments: { rows: [], run_log: [] } },
  });
}

interface Frame {
  readonly data: string | Buffer;
  readonly binary: boolean;
}

it(`${INPUTS} hostile /ws frames get the promised typed replies, and bystanders are untouched`, async () => {
  const http = base.replace('ws://', 'http://');
  const fresh = buildApp(config, { catalog });
  const freshBase = await listen(fresh);
  const baseline = await alone(() => wsExchange(freshBase));
  await fresh.close();

  const before = prototypeSnapshot();
  const unhandled = new Unhandled().install();
  const problems = new Problems();
  const pacer = new Pacer();
  const bystanders = beside(() => wsExchange(base), pacer, INPUTS, baseline);
  let sent = 0;
  let health = 0;
  const closes: Record<string, number> = {};

  /** Sends frames at once, then checks each one's outcome in order. */
  async function exchange(ws: HostileSocket, frames: readonly Frame[]): Promise<void> {
    for (const f of frames) ws.send(f.data, f.binary);
    sent += frames.length;
    for (let i = 0; i < frames.length; i++) pacer.tick();
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
        problems.add(`no reply and no close (${exp.kind})`, shown);
        ws.terminate();
        return;
      }
      if (e.kind === 'close') {
        closes[e.code] = (closes[e.code] ?? 0) + 1;
        const wanted = exp.kind === 'close' ? 1000 : wsLayerClose(exp);
        if (wanted !== e.code && !(i < killedAt && e.code === killCode))
          problems.add(`closed with ${e.code} where ${exp.kind} was expected`, shown);
        return;
      }
      if (exp.kind === 'fatal') {
        const p = wsReplyProblem(e.text, { kind: 'reply', types: ['error'], codes: ['SESSION_ERROR'] });
        if (p !== null) problems.add(`fatal frame: ${p}`, shown);
        const c = await ws.next();
        if (c.kind !== 'close' || c.code !== 1000)
          problems.add(`fatal frame not followed by close 1000: ${JSON.stringify(c)}`, shown);
        return;
      }
      const p = wsReplyProblem(e.text, exp);
      if (p !== null) problems.add(p, shown);
    }
  }

  await Promise.all(
    Array.from({ length: LANES }, async (_, lane) => {
      const g = new Gen(`hostile-ws-${lane}`);
      let ws: HostileSocket | null = null;
      while (sent < INPUTS) {
        if (ws === null || ws.closed) ws = await HostileSocket.open(`${base}/ws`);
        const scenario = g.weighted<string>([
          [80, 'one'],
          [6, 'burst'],
          [3, 'binary'],
          [3, 'progress'],
          [3, 'after-close'],
          [2, 'mid-step'],
          [1, 'utf8'],
          [1, 'oversize'],
        ]);
        switch (scenario) {
          case 'one':
            await exchange(ws, [{ data: message(g), binary: false }]);
            break;
          case 'burst':
            await exchange(
              ws,
              Array.from({ length: 2 + g.int(4) }, () => ({ data: message(g), binary: false })),
            );
            break;
          case 'binary':
            await exchange(ws, [
              { data: Buffer.from(g.chance(0.5) ? valid(g, 'reset') : message(g).toString()), binary: true },
            ]);
            break;
          case 'progress': // reset, fetch, submit, a second submit, a step after the end, state
            await exchange(
              ws,
              [
                valid(g, 'reset'),
                valid(g, 'fetch'),
                valid(g, 'submit'),
                valid(g, 'submit'),
                message(g, 'step'),
                '{"type":"state"}',
              ].map((data) => ({ data, binary: false })),
            );
            break;
          case 'after-close': // close, then more frames in the same burst: no reply to any of them
            await exchange(
              ws,
              ['{"type":"close"}', valid(g, 'reset'), message(g)].map((data) => ({ data, binary: false })),
            );
            break;
          case 'mid-step': // a step, and the connection dropped before its reply
            ws.send(g.chance(0.5) ? valid(g, 'submit') : message(g, 'step'));
            sent += 1;
            pacer.tick();
            ws.terminate();
            break;
          case 'utf8':
            await exchange(ws, [
              {
                data: Buffer.concat([
                  Buffer.from('{"type":"state'),
                  Buffer.from([0xc3, 0x28]),
                  Buffer.from('"}'),
                ]),
                binary: false,
              },
            ]);
            break;
          default: // one frame over MAX_BODY_BYTES
            await exchange(ws, [
              {
                data: `{"type":"reset","data":{"pad":"${'x'.repeat(config.MAX_BODY_BYTES)}"}}`,
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
  // Every kind of close happened: after `close` or a fatal frame (1000), invalid UTF-8 (1007), oversize (1009).
  expect(Object.keys(closes).sort()).toEqual(['1000', '1007', '1009']);
  expect(differences(runs, baseline)).toEqual([]);
  expect(baseline.map((r) => r.result.score)).toEqual([100, 100, 100, expect.any(Number)]);
});
