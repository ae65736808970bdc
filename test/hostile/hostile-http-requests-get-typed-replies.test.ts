/**
 * 10,000 seeded hostile HTTP requests (POST /reset, POST /step, GET /state, POST /mcp, the /web routes,
 * other routes and methods; bodies, query strings and headers) through app.inject, eight lanes at a time,
 * in four runs of 2,500; and a set of malformed raw requests on a real socket. Every reply is a catalogue
 * error with its own status or a valid reply; /health keeps answering; the built-in prototypes are
 * untouched; nothing is left unhandled; and bystander episodes stepped through each run get exactly the
 * replies and scores they get alone.
 */
import { connect } from 'node:net';
import { expect, it } from 'vitest';
import { testConfig } from '../server/helpers.js';
import { httpExchange } from './bystanders.js';
import { httpReplyProblem, mcpHttpProblem, prototypeChanges, prototypeSnapshot } from './checks.js';
import { Gen } from './grammar.js';
import { expectClean, hostileRun, injectLane, target } from './harness.js';
import { input } from './http-inputs.js';

const RUNS = 4;
const INPUTS = 2_500;
const LANES = 8;
const config = testConfig({
  ENABLE_WEB_INTERFACE: true,
  MAX_BODY_BYTES: 256 * 1024,
  MAX_CONCURRENT_ENVS: 100_000,
});
const t = target(config, async (app) => httpExchange(app));

/** Each lane's generator and its own episodes, carried from run to run. */
const lanes = Array.from({ length: LANES }, (_, i) => ({
  g: new Gen(`hostile-http-${i}`),
  episodes: [] as string[],
}));

for (let r = 1; r <= RUNS; r++) {
  it(`hostile HTTP requests, run ${r} of ${RUNS} (${INPUTS}): typed errors or valid replies; bystanders untouched`, async () => {
    let refused = 0;
    const report = await hostileRun({
      inputs: INPUTS,
      lanes: LANES,
      baseline: t.baseline,
      bystander: async () => httpExchange(t.app),
      health: async () =>
        (await t.app.inject({ method: 'GET', url: '/health' })).body === '{"status":"healthy"}',
      lane: (i, run) => {
        const { g, episodes } = lanes[i]!;
        return injectLane(
          t.app,
          run,
          () => input(g, episodes),
          (inp, res) => {
            if (res.statusCode >= 400) refused += 1;
            if (inp.path === '/reset' && res.statusCode === 200) {
              episodes.push(
                (JSON.parse(res.body) as { observation: { episode_id: string } }).observation.episode_id,
              );
              if (episodes.length > 30) episodes.shift();
            }
            const reply = { statusCode: res.statusCode, headers: res.headers, body: res.body };
            const problem =
              inp.path === '/mcp'
                ? mcpHttpProblem(reply, inp.options.method)
                : httpReplyProblem(inp.path, reply);
            return problem === null ? null : `${inp.path} -> ${res.statusCode}: ${problem}`;
          },
        );
      },
    });
    expectClean(report, INPUTS);
    // Hostile, but not only garbage: enough requests are valid to reach the episodes' later states.
    expect(refused).toBeGreaterThan(INPUTS / 3);
    expect(refused).toBeLessThan(INPUTS * 0.9);
    expect(t.baseline.map((b) => b.result.score)).toEqual([100, 100, 100, expect.any(Number)]);
  });
}

/** Requests no HTTP client library would send, written to a socket as bytes. */
const RAW: readonly string[] = [
  'GARBAGE\r\n\r\n',
  'GET /health HTTP/9.9\r\nHost: x\r\n\r\n',
  'POST /reset HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}',
  'POST /reset HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: -1\r\n\r\n{}',
  'POST /reset HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 99999999999999999999\r\n\r\n{}',
  'POST /step HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
  'POST /step HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n2\r\n{}\r\n0\r\n\r\n',
  'GET /state HTTP/1.1\r\nHost: x\r\nX-Episode-Id: a\u0001b\r\n\r\n',
  `GET /state HTTP/1.1\r\nHost: x\r\nX-Long: ${'a'.repeat(20_000)}\r\n\r\n`,
  'GET /state?episode_id=%E0%A4%A HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET /%ZZ HTTP/1.1\r\nHost: x\r\n\r\n',
  'GET /health HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n',
  'POST /reset HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n{}',
  'POST /reset HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"task_id":', // closed mid-body
  'GET /health HTTP/1.1\r\n\r\n',
  'GET /health HTTP/1.0\r\n\r\n',
  'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
  'GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n',
  'GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: bad\r\nSec-WebSocket-Version: 99\r\n\r\n',
  'POST /step HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n\u00ff\u00fe{"a":1}xx',
];

/** Sends raw bytes, half-closes, and collects whatever comes back until the server closes (bounded). */
function rawExchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const s = connect({ host: '127.0.0.1', port }, () => {
      s.write(Buffer.from(bytes, 'latin1'));
      s.end();
    });
    const done = () => resolve(Buffer.concat(chunks).toString('latin1'));
    const timer = setTimeout(() => {
      s.destroy();
      done();
    }, 5000);
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('close', () => {
      clearTimeout(timer);
      done();
    });
    s.on('error', () => {});
  });
}

it('malformed raw HTTP requests never get a 5xx, and the server keeps serving', async () => {
  const http = t.base.replace('ws://', 'http://');
  const port = Number(new URL(http).port);
  const before = prototypeSnapshot();
  const answers: Array<{ request: string; status: number | null }> = [];
  for (const raw of RAW) {
    const reply = await rawExchange(port, raw);
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(reply);
    answers.push({ request: raw.slice(0, 60), status: m === null ? null : Number(m[1]) });
    const h = await fetch(`${http}/health`);
    expect(await h.json()).toEqual({ status: 'healthy' });
  }
  expect(answers.filter((a) => a.status !== null && a.status >= 500)).toEqual([]);
  expect(prototypeChanges(before, prototypeSnapshot())).toEqual([]);
});
