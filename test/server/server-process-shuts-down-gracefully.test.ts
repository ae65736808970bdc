/**
 * The real entry points as processes: `src/server/main.ts` and `comtradebench serve` listen, answer, and on
 * SIGTERM close /ws sessions with 1001 and exit 0, letting an in-flight request finish; a bad configuration
 * exits 1 naming the variable. Each test owns its process, so they run concurrently (most of their time is
 * process start-up).
 */
import { request } from 'node:http';
import { describe, it } from 'vitest';
import { type Proc, startTsx, waitFor, WsProbe } from './helpers.js';

const LISTENING = /Server listening at http:\/\/127\.0\.0\.1:(\d+)/;

async function listeningPort(p: Proc): Promise<number> {
  await waitFor(() => LISTENING.test(p.out()) || p.child.exitCode !== null, 60_000);
  const m = LISTENING.exec(p.out());
  if (m === null) throw new Error(`the server did not start:\n${p.out()}\n${p.err()}`);
  return Number(m[1]);
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

describe.concurrent('server processes', () => {
  for (const [name, script, args, env] of entryPoints) {
    it(`${name}: listens where told; SIGTERM closes open /ws sessions with 1001 and exits 0`, async (t) => {
      const { expect } = t;
      const p = startTsx(t, script, args, env);
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

  it('comtradebench serve with a bad --port exits 2 naming the flag', async (t) => {
    const p = startTsx(t, 'src/cli/main.ts', ['serve', '--port', 'eighty'], {});
    t.expect(await p.exit).toBe(2);
    t.expect(p.err()).toContain("bad --port 'eighty'");
  });

  it('SIGTERM lets an in-flight request finish (its body still uploading) before exiting 0', async (t) => {
    const { expect } = t;
    // debug logs every incoming request: the test knows when the server is reading the body.
    const p = startTsx(t, 'src/server/main.ts', [], { ...serverEnv, LOG_LEVEL: 'debug' });
    const port = await listeningPort(p);
    const body = JSON.stringify({ task_id: 'T2_multi_page', seed: 3, pad: 'x'.repeat(1 << 20) });
    const req = request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/reset',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    const reply = new Promise<{ status: number; body: string }>((resolve, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
    });
    req.write(body.slice(0, 1000));
    await waitFor(() => p.out().includes('"incoming request"'), 10_000);
    p.child.kill('SIGTERM');
    await waitFor(() => p.out().includes('shutting down'), 10_000);
    req.end(body.slice(1000));
    const r = await reply;
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).observation.task_id).toBe('T2_multi_page');
    expect(await p.exit).toBe(0);
  });

  it('a bad configuration exits 1 with a message naming the variable', async (t) => {
    const p = startTsx(t, 'src/server/main.ts', [], { ...serverEnv, MAX_CONCURRENT_ENVS: 'lots' });
    t.expect(await p.exit).toBe(1);
    t.expect(p.err()).toContain('configuration error: invalid MAX_CONCURRENT_ENVS="lots"');
  });
});
