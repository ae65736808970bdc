/**
 * 5,000 seeded hostile POST/DELETE/GET /mcp requests through app.inject, eight lanes at a time: OpenEnv
 * JSON-RPC and the MCP handshake, mutated, batched, damaged, with session ids that are live, closed or
 * made up. Every reply is a JSON-RPC response (or a 202 for a notification, or the service's catalogue
 * error for a method /mcp does not serve), never a 5xx or CB_ERR_INTERNAL; /health keeps answering; the
 * built-in prototypes are untouched; and bystanders playing over OpenEnv JSON-RPC on /mcp are untouched.
 */
import { afterAll, expect, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { catalog, testConfig } from '../server/helpers.js';
import { alone, beside, differences, mcpHttpExchange, Pacer } from './bystanders.js';
import { mcpHttpProblem, Problems, prototypeChanges, prototypeSnapshot, Unhandled } from './checks.js';
import { Gen } from './grammar.js';
import { learn, type McpLaneState, mcpInput } from './mcp-inputs.js';

/** Half of the /mcp transport's 10,000 inputs (the other half: hostile-ws-mcp-frames-get-json-rpc-replies.test.ts). */
const INPUTS = 5_000;
const LANES = 8;
const config = testConfig({ MAX_BODY_BYTES: 256 * 1024, MAX_CONCURRENT_ENVS: 100_000 });
const app = buildApp(config, { catalog });
afterAll(() => app.close());

it(`${INPUTS} hostile /mcp requests get JSON-RPC replies, and bystanders are untouched`, async () => {
  const fresh = buildApp(config, { catalog });
  const baseline = await alone(async () => mcpHttpExchange(fresh));
  await fresh.close();

  const before = prototypeSnapshot();
  const unhandled = new Unhandled().install();
  const problems = new Problems();
  const pacer = new Pacer();
  const bystanders = beside(async () => mcpHttpExchange(app), pacer, INPUTS, baseline);
  let sent = 0;
  let health = 0;
  const statuses: Record<number, number> = {};

  await Promise.all(
    Array.from({ length: LANES }, async (_, lane) => {
      const g = new Gen(`hostile-mcp-${lane}`);
      const state: McpLaneState = { openenv: [], sdk: [] };
      while (sent < INPUTS) {
        sent += 1;
        const inp = mcpInput(g, state);
        let res;
        try {
          res = await app.inject(inp.options);
        } catch (e) {
          problems.add(`inject threw: ${String(e)}`, inp.shown);
          continue;
        }
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
        const problem = mcpHttpProblem(
          { statusCode: res.statusCode, headers: res.headers, body: res.body },
          inp.options.method,
        );
        if (problem !== null) problems.add(`${inp.kind} -> ${res.statusCode}: ${problem}`, inp.shown);
        learn(state, inp.kind, res);
        pacer.tick();
        if (sent % 250 === 0) {
          const h = await app.inject({ method: 'GET', url: '/health' });
          if (h.statusCode === 200 && h.body === '{"status":"healthy"}') health += 1;
          else problems.add(`/health answered ${h.statusCode} ${h.body}`, inp.shown);
        }
      }
    }),
  );
  pacer.finish();
  const runs = await bystanders;
  unhandled.uninstall();

  expect(problems.list).toEqual([]);
  expect(unhandled.seen).toEqual([]);
  expect(prototypeChanges(before, prototypeSnapshot())).toEqual([]);
  expect(health).toBeGreaterThanOrEqual(Math.floor(INPUTS / 250) - LANES);
  // OpenEnv JSON-RPC answers everything with 200; the MCP transport refuses bad session requests with 4xx.
  expect(statuses[200]).toBeGreaterThan(INPUTS / 2);
  expect(differences(runs, baseline)).toEqual([]);
  expect(baseline.map((r) => r.result.score)).toEqual([100, 100, 100, expect.any(Number)]);
});
