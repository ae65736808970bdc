/**
 * Section 4 client: lockstep small steps over /ws. Each of C sessions resets once (T1, its own seed), then
 * sends `get_task_info` call_tool steps one at a time, timing each from send to reply; every `resetEvery`
 * steps it resets again (max_steps would end the episode), and those resets are not timed as steps.
 * A plain `ws` client that checks each reply's type by its first bytes and never parses it, so the client
 * stays light; the same client drives the floor.
 */
import WebSocket from 'ws';
import { cpuWindow } from '../lib/proc.js';
import { percentile } from '../lib/stats.js';
import { emit, Gate, runWorker, windows, workerArgs } from '../lib/worker.js';

interface Args {
  url: string;
  sessions: number;
  serverPid: number;
  runs: number;
  windowS: number;
  warmupS: number;
  resetEvery: number;
  paired?: boolean;
  rewarmS?: number;
}

const STEP = JSON.stringify({
  type: 'step',
  data: { type: 'call_tool', tool_name: 'get_task_info', arguments: {} },
});
const OBSERVATION = Buffer.from('{"type":"observation"');

runWorker(async () => {
  const a = workerArgs<Args>();
  let counting = false;
  let stop = false;
  const gate = new Gate(a.sessions);
  let steps = 0;
  let lat: number[] = [];
  let bad = 0;

  const session = async (i: number) => {
    const ws = new WebSocket(`${a.url.replace(/^http/, 'ws')}/ws`, {
      maxPayload: 64 * 1024 * 1024,
      skipUTF8Validation: true,
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    let pending: ((b: Buffer) => void) | null = null;
    ws.on('message', (data: Buffer) => {
      const p = pending;
      pending = null;
      p?.(data);
    });
    const ask = (msg: string) =>
      new Promise<Buffer>((resolve) => {
        pending = resolve;
        ws.send(msg);
      });
    let seed = i;
    while (!stop) {
      const reset = await ask(JSON.stringify({ type: 'reset', data: { task_id: 'T1_single_page', seed } }));
      seed += a.sessions;
      if (reset.compare(OBSERVATION, 0, OBSERVATION.length, 0, OBSERVATION.length) !== 0) bad += 1;
      for (let k = 0; k < a.resetEvery && !stop; k++) {
        await gate.pass();
        if (stop) break;
        const t0 = performance.now();
        const reply = await ask(STEP);
        const dt = performance.now() - t0;
        if (reply.compare(OBSERVATION, 0, OBSERVATION.length, 0, OBSERVATION.length) !== 0) bad += 1;
        if (counting) {
          steps += 1;
          lat.push(dt);
        }
      }
    }
    ws.terminate();
  };

  const loops = Array.from({ length: a.sessions }, (_, i) => session(i));
  let w: ReturnType<typeof cpuWindow> | null = null;
  const runs = await windows(
    a,
    gate,
    () => {
      steps = 0;
      lat = [];
      counting = true;
      w = cpuWindow([a.serverPid, process.pid]);
    },
    () => {
      const cw = w!.stop();
      counting = false;
      return {
        rate: steps / cw.wallS,
        p50_ms: percentile(lat, 50),
        p99_ms: percentile(lat, 99),
        steps,
        server_cpu: cw.cpuPct[a.serverPid]!,
        client_cpu: cw.cpuPct[process.pid]!,
        other_cpu: cw.otherPct,
      };
    },
  );
  stop = true;
  await Promise.all(loops);
  emit('result', { runs, bad_replies: bad });
});
