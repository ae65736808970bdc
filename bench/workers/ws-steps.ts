/**
 * Section 4 client: lockstep small steps over /ws. Each of C sessions resets once (T1, its own seed), then
 * sends `get_task_info` call_tool steps one at a time, timing each from send to reply; every `resetEvery`
 * steps it resets again (max_steps would end the episode), and those resets are not timed as steps.
 * A raw WebSocket client (bench/lib/raw-ws.ts: prebuilt masked frames, replies delimited by their headers,
 * only their first bytes kept to check the type), so that the server, not the client, bounds the load; the
 * same client drives the floor.
 */
import { RawWs, textFrame } from '../lib/raw-ws.js';
import { emit, Gate, runWorker, StepMeter, workerArgs, type WindowOptions } from '../lib/worker.js';

interface Args extends WindowOptions {
  url: string;
  sessions: number;
  serverPid: number;
  resetEvery: number;
}

const STEP = textFrame(
  JSON.stringify({ type: 'step', data: { type: 'call_tool', tool_name: 'get_task_info', arguments: {} } }),
);
const OBSERVATION = Buffer.from('{"type":"observation"');

runWorker(async () => {
  const a = workerArgs<Args>();
  let stop = false;
  const gate = new Gate(a.sessions);
  const meter = new StepMeter();
  let bad = 0;

  const session = async (i: number) => {
    const ws = await RawWs.open(a.url);
    let seed = i;
    while (!stop) {
      const reset = await ws.ask(
        textFrame(JSON.stringify({ type: 'reset', data: { task_id: 'T1_single_page', seed } })),
      );
      seed += a.sessions;
      if (reset.compare(OBSERVATION, 0, OBSERVATION.length, 0, OBSERVATION.length) !== 0) bad += 1;
      await meter.run(
        gate,
        a.resetEvery,
        () => stop,
        async () => {
          const reply = await ws.ask(STEP);
          if (reply.compare(OBSERVATION, 0, OBSERVATION.length, 0, OBSERVATION.length) !== 0) bad += 1;
        },
      );
    }
    ws.close();
  };

  const loops = Array.from({ length: a.sessions }, (_, i) => session(i));
  const runs = await meter.measure(a, gate, a.serverPid);
  stop = true;
  await Promise.all(loops);
  emit('result', { runs, bad_replies: bad });
});
