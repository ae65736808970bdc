/**
 * The real entry points as processes: `src/server/main.ts` and `comtradebench serve` listen, answer, and on
 * SIGTERM close /ws sessions with 1001 and exit 0; a bad configuration exits 1 naming the variable; and
 * `comtradebench run --url` drives a live server with in-process scores.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { InProcessEnv } from '../../src/env/in-process.js';
import { reference } from '../../src/agents/reference.js';
import { runEpisode } from '../../src/agents/runner.js';
import { buildApp } from '../../src/server/app.js';
import { catalog, listen, testConfig, WsProbe } from './helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

interface Proc {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exit: Promise<number | null>;
}

function start(script: string, args: string[], env: Record<string, string>): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, out: () => out, err: () => err, exit };
}

async function listeningPort(p: Proc): Promise<number> {
  for (let i = 0; i < 300; i++) {
    const m = /Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(p.out());
    if (m) return Number(m[1]);
    if (p.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the server did not start:\n${p.out()}\n${p.err()}`);
}

const serverEnv = { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' };

const entryPoints: Array<[string, string, string[], Record<string, string>]> = [
  ['node src/server/main.ts (PORT/HOST from the environment)', 'src/server/main.ts', [], serverEnv],
  ['comtradebench serve (PORT/HOST from the environment)', 'src/cli/main.ts', ['serve'], serverEnv],
  [
    'comtradebench serve --host --port',
    'src/cli/main.ts',
    ['serve', '--host', '127.0.0.1', '--port', '0'],
    { LOG_LEVEL: 'info' },
  ],
];
for (const [name, script, args, env] of entryPoints) {
  it(`${name}: listens where told; SIGTERM closes open /ws sessions with 1001 and exits 0`, async () => {
    const p = start(script, args, env);
    const port = await listeningPort(p);
    // Only 127.0.0.1 (HOST honoured; 0.0.0.0 would log every interface) on an ephemeral port (not the default 8000).
    expect(p.out().match(/Server listening at/g)).toHaveLength(1);
    expect(port).not.toBe(8000);
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(await health.json()).toEqual({ status: 'healthy' });
    const ws = await WsProbe.open(`ws://127.0.0.1:${port}`);
    expect((await ws.ask({ type: 'reset', data: { task_id: 'T1_single_page', seed: 1 } })).type).toBe(
      'observation',
    );
    p.child.kill('SIGTERM');
    expect(await ws.closed).toEqual({ code: 1001, reason: 'server shutting down' });
    expect(await p.exit).toBe(0);
    expect(p.out()).toContain('shutting down');
  });
}

it('comtradebench serve with a bad --port exits 2 naming the flag', async () => {
  const p = start('src/cli/main.ts', ['serve', '--port', 'eighty'], {});
  expect(await p.exit).toBe(2);
  expect(p.err()).toContain("bad --port 'eighty'");
});

it('SIGTERM lets an in-flight request finish (its body still uploading) before exiting 0', async () => {
  const p = start('src/server/main.ts', [], serverEnv);
  const port = await listeningPort(p);
  const body = JSON.stringify({ task_id: 'T2_multi_page', seed: 3, pad: 'x'.repeat(1 << 20) });
  const reply = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/reset',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.write(body.slice(0, 1000));
    setTimeout(() => {
      p.child.kill('SIGTERM');
      setTimeout(() => req.end(body.slice(1000)), 300);
    }, 200);
  });
  const r = await reply;
  expect(r.status).toBe(200);
  expect(JSON.parse(r.body).observation.task_id).toBe('T2_multi_page');
  expect(await p.exit).toBe(0);
});

it('a bad configuration exits 1 with a message naming the variable', async () => {
  const p = start('src/server/main.ts', [], { ...serverEnv, MAX_CONCURRENT_ENVS: 'lots' });
  expect(await p.exit).toBe(1);
  expect(p.err()).toContain('configuration error: invalid MAX_CONCURRENT_ENVS="lots"');
});

it('comtradebench run --url runs agents against a live server over /ws with in-process scores', async () => {
  const app = buildApp(testConfig(), { catalog });
  const base = await listen(app);
  try {
    const json = join(mkdtempSync(join(tmpdir(), 'cb-run-')), 'out.json');
    const p = start(
      'src/cli/main.ts',
      [
        'run',
        '--agent',
        'reference',
        '--tasks',
        'T4,T6',
        '--seeds',
        '0..2',
        '--concurrency',
        '3',
        '--url',
        base,
        '--no-progress',
        '--json',
        json,
      ],
      {},
    );
    expect(await p.exit, p.err()).toBe(0);
    const { episodes } = JSON.parse(readFileSync(json, 'utf8')) as { episodes: unknown[] };
    const env = new InProcessEnv(catalog);
    const local = [];
    for (const task_id of ['T4_rate_limit_429', 'T6_page_drift'])
      for (const seed of [0, 1, 2]) local.push(await runEpisode(env, reference, { task_id, seed }));
    // Episode ids, wall times and the measured tool output are the run's own; everything else is equal.
    const comparable = (rs: unknown[]) =>
      rs.map((r) => {
        const { episode_id: _id, wall_time_s: _t, tool_chars: _c, ...rest } = r as Record<string, unknown>;
        return rest;
      });
    expect(comparable(episodes)).toEqual(comparable(JSON.parse(JSON.stringify(local))));
  } finally {
    await app.close();
  }
});
