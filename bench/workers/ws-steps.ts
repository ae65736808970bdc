/**
 * Section 4 client: lockstep small steps over /ws. Each of C sessions resets once (T1, its own seed), then
 * sends `get_task_info` call_tool steps one at a time, timing each from send to reply; every `resetEvery`
 * steps it resets again (max_steps would end the episode), and those resets are not timed as steps.
 * A plain `ws` client that checks each reply's type by its first bytes and never parses it, so the client
 * stays light; the same client drives the floor.
 */
import WebSocket from 'ws';
import { emit, Gate, lockstep, runWorker, StepMeter, workerArgs } from '../lib/worker.js';

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
  let stop = false;
  const gate = new Gate(a.sessions);
  const meter = new StepMeter();
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
    const ask = lockstep(ws);
    let seed = i;
    while (!stop) {
      const reset = await ask(JSON.stringify({ type: 'reset', data: { task_id: 'T1_single_page', seed } }));
      seed += a.sessions;
      if (reset.compare(OBSERVATION, 0, OBSERVATION.length, 0, OBSERVATION.length) !== 0) bad += 1;
      await meter.run(
        gate,
        a.resetEvery,
        () => stop,
        async () => {
          const reply = await ask(STEP);
          if (reply.compare(OBSERVATION, 0, OBSERVATION.length, 0, OBSERVATION.length) !== 0) bad += 1;
        },
      );
    }
    ws.terminate();
  };

  const loops = Array.from({ length: a.sessions }, (_, i) => session(i));
  const runs = await meter.measure(a, gate, a.serverPid);
  stop = true;
  await Promise.all(loops);
  emit('result', { runs, bad_replies: bad });
});
