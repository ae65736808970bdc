/**
 * Section 7 client: holds many /ws sessions open so the harness can read the server's RSS.
 *
 * 1. warm-up: opens `warmup` sessions (reset, same as below), closes them, then says `warmed` and waits
 *    for `go` on stdin (the harness reads the baseline RSS in between);
 * 2. opens `sessions` sessions, at most `batch` handshakes in flight: mode 'idle' sends one reset
 *    (T1-T10 by index) and nothing more; mode 'active' resets T2_multi_page and fetches the first half of
 *    its pages (ceil(total_pages / 2), page_size 500);
 * 3. says `held` with the counts of sessions opened and errors, waits for `release`, closes everything.
 * Replies are checked by their first bytes; an error frame or a failed handshake counts as an error.
 */
import WebSocket from 'ws';
import { emit, runWorker, sleep, waitFor, workerArgs } from '../lib/worker.js';

interface Args {
  url: string;
  sessions: number;
  warmup: number;
  batch: number;
  mode: 'idle' | 'active';
  tasks: string[];
}

const OBSERVATION = '{"type":"observation"';

runWorker(async () => {
  const a = workerArgs<Args>();
  const wsUrl = `${a.url.replace(/^http/, 'ws')}/ws`;
  let errors = 0;
  let firstError = '';
  const error = (why: string) => {
    errors += 1;
    if (firstError === '') firstError = why;
  };

  const open = async (i: number): Promise<WebSocket | null> => {
    const ws = new WebSocket(wsUrl, {
      maxPayload: 64 * 1024 * 1024,
      handshakeTimeout: 30_000,
      skipUTF8Validation: true,
    });
    try {
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      let pending: ((s: string) => void) | null = null;
      ws.on('message', (data: Buffer) => {
        const p = pending;
        pending = null;
        p?.(data.toString('utf8'));
      });
      ws.on('error', () => undefined);
      const ask = (msg: unknown) =>
        new Promise<string>((resolve) => {
          pending = resolve;
          ws.send(JSON.stringify(msg));
        });
      const expectObs = (reply: string, what: string) => {
        if (!reply.startsWith(OBSERVATION)) throw new Error(`${what}: ${reply.slice(0, 200)}`);
      };
      if (a.mode === 'idle') {
        expectObs(
          await ask({ type: 'reset', data: { task_id: a.tasks[i % a.tasks.length], seed: i } }),
          'reset',
        );
        return ws;
      }
      expectObs(await ask({ type: 'reset', data: { task_id: 'T2_multi_page', seed: i } }), 'reset');
      const fetch = async (page: number) => {
        const r = await ask({
          type: 'step',
          data: { type: 'call_tool', tool_name: 'fetch_page', arguments: { page, page_size: 500 } },
        });
        expectObs(r, `fetch_page ${page}`);
        return r;
      };
      const first = await fetch(1);
      const total = Number(/"total_pages":(\d+)/.exec(first)?.[1] ?? 0);
      if (total < 2) throw new Error(`T2 seed ${i}: total_pages ${total}`);
      for (let p = 2; p <= Math.ceil(total / 2); p++) await fetch(p);
      return ws;
    } catch (e) {
      error(e instanceof Error ? e.message : String(e));
      ws.terminate();
      return null;
    }
  };

  const openMany = async (n: number, offset: number): Promise<WebSocket[]> => {
    const held: WebSocket[] = [];
    let next = 0;
    const lane = async () => {
      for (;;) {
        const i = next++;
        if (i >= n) return;
        const ws = await open(offset + i);
        if (ws !== null) held.push(ws);
      }
    };
    await Promise.all(Array.from({ length: Math.min(a.batch, n) }, lane));
    return held;
  };

  const closeAll = async (list: WebSocket[]) => {
    await Promise.all(
      list.map(
        (ws) =>
          new Promise<void>((r) => {
            if (ws.readyState === WebSocket.CLOSED) return r();
            ws.once('close', () => r());
            ws.close();
            setTimeout(() => {
              ws.terminate();
              r();
            }, 5000).unref();
          }),
      ),
    );
  };

  const t0 = performance.now();
  await closeAll(await openMany(a.warmup, 1_000_000));
  await sleep(300);
  const warmErrors = errors;
  emit('warmed', { warmup_errors: warmErrors, first_error: firstError });
  await waitFor('go');
  errors = 0;
  firstError = '';
  const t1 = performance.now();
  const held = await openMany(a.sessions, 0);
  emit('held', {
    opened: held.length,
    errors,
    first_error: firstError,
    open_s: (performance.now() - t1) / 1000,
    warm_s: (t1 - t0) / 1000,
  });
  await waitFor('release');
  for (const ws of held) ws.terminate();
  emit('released');
});
