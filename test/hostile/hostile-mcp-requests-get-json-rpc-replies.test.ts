/**
 * 5,000 seeded hostile POST/DELETE/GET /mcp requests through app.inject (half of the /mcp transport's
 * 10,000; the other half: hostile-ws-mcp-frames-get-json-rpc-replies.test.ts), eight lanes at a time, in
 * two runs of 2,500: OpenEnv JSON-RPC and the MCP handshake, mutated, batched, damaged, with session ids
 * that are live, closed or made up. Every reply is a JSON-RPC response (or a 202 for a notification, or
 * the service's catalogue error for a method /mcp does not serve), never a 5xx or CB_ERR_INTERNAL; /health
 * keeps answering; the built-in prototypes are untouched; and bystanders playing over OpenEnv JSON-RPC on
 * /mcp are untouched.
 */
import { expect, it } from 'vitest';
import { testConfig } from '../server/helpers.js';
import { mcpHttpExchange } from './bystanders.js';
import { mcpHttpProblem } from './checks.js';
import { Gen } from './grammar.js';
import { expectClean, hostileRun, injectLane, target } from './harness.js';
import { learn, type McpLaneState, mcpInput } from './mcp-inputs.js';

const RUNS = 2;
const INPUTS = 2_500;
const LANES = 8;
const config = testConfig({ MAX_BODY_BYTES: 256 * 1024, MAX_CONCURRENT_ENVS: 100_000 });
const t = target(config, async (app) => mcpHttpExchange(app));

/** Each lane's generator and the session ids it has seen, carried from run to run. */
const lanes = Array.from({ length: LANES }, (_, i) => ({
  g: new Gen(`hostile-mcp-${i}`),
  state: { openenv: [], sdk: [] } as McpLaneState,
}));

for (let r = 1; r <= RUNS; r++) {
  it(`hostile /mcp requests, run ${r} of ${RUNS} (${INPUTS}): JSON-RPC replies; bystanders untouched`, async () => {
    const statuses: Record<number, number> = {};
    const report = await hostileRun({
      inputs: INPUTS,
      lanes: LANES,
      baseline: t.baseline,
      bystander: async () => mcpHttpExchange(t.app),
      health: async () =>
        (await t.app.inject({ method: 'GET', url: '/health' })).body === '{"status":"healthy"}',
      lane: (i, run) => {
        const { g, state } = lanes[i]!;
        return injectLane(
          t.app,
          run,
          () => mcpInput(g, state),
          (inp, res) => {
            statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
            learn(state, inp.kind, res);
            const problem = mcpHttpProblem(
              { statusCode: res.statusCode, headers: res.headers, body: res.body },
              inp.options.method,
            );
            return problem === null ? null : `${inp.kind} -> ${res.statusCode}: ${problem}`;
          },
        );
      },
    });
    expectClean(report, INPUTS);
    // OpenEnv JSON-RPC answers everything with 200; the MCP transport refuses bad session requests with 4xx.
    expect(statuses[200]).toBeGreaterThan(INPUTS / 2);
    expect(t.baseline.map((b) => b.result.score)).toEqual([100, 100, 100, expect.any(Number)]);
  });
}
