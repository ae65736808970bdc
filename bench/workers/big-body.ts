/**
 * Big-body client (bench/soak.ts --big-body): on `start <bytes>` it submits, back to back over one /ws
 * session, submit_results steps whose frame is `bytes` long (at most maxBodyBytes): real T2 rows repeated
 * to the size, each on a fresh episode (reset, submit), timing each submission's round trip; on `stop` it
 * says `stopped` with the round trips. The frames are built and masked once (bench/lib/raw-ws.ts), so
 * this client costs its core almost nothing while the server parses and judges them.
 */
import { createInterface } from 'node:readline';
import { connectRemote } from '../../src/client/ws-client.js';
import { RawWs, textFrame } from '../lib/raw-ws.js';
import { emit, runWorker, workerArgs } from '../lib/worker.js';

interface Args {
  url: string;
  maxBodyBytes: number;
}

const TASK = { task_id: 'T2_multi_page', seed: 1 };
const OBSERVATION = Buffer.from('{"type":"observation"');

/** Real rows of T2 seed 1 (one page of 500), to repeat. */
async function sampleRows(url: string): Promise<unknown[]> {
  const env = await connectRemote(url);
  await env.reset(TASK);
  const page = await env.callTool('fetch_page', { page: 1, page_size: 500 });
  await env.close();
  return (page.value?.rows as unknown[]) ?? [];
}

/** A submit_results step frame of exactly `bytes` bytes (rows repeated, then padded inside metadata). */
function bigFrame(rows: readonly unknown[], bytes: number): { frame: Buffer; length: number } {
  const wrap = (list: readonly string[], pad: string) =>
    `{"type":"step","data":{"type":"call_tool","tool_name":"submit_results","arguments":{"rows":[${list.join(',')}],"run_log":[],"metadata":{"pad":"${pad}"}}}}`;
  const texts = rows.map((r) => JSON.stringify(r));
  const list: string[] = [];
  let size = Buffer.byteLength(wrap([], ''));
  for (let i = 0; ; i++) {
    const t = texts[i % texts.length]!;
    const add = Buffer.byteLength(t) + (list.length > 0 ? 1 : 0);
    if (size + add > bytes) break;
    list.push(t);
    size += add;
  }
  const text = wrap(list, 'x'.repeat(bytes - size));
  JSON.parse(text); // a well-formed step, or this throws here rather than at the server
  return { frame: textFrame(text), length: Buffer.byteLength(text) };
}

/** A reply within a minute, or an error (RawWs does not report a closed connection). */
function within<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no reply to ${what} within 60 s`)), 60_000);
    }),
  ]);
}

runWorker(async () => {
  const a = workerArgs<Args>();
  const rows = await sampleRows(a.url);
  const ws = await RawWs.open(a.url);
  const reset = textFrame(JSON.stringify({ type: 'reset', data: TASK }));
  const frames = new Map<number, { frame: Buffer; length: number }>();
  let running: Promise<void> | null = null;
  let stop = false;
  emit('ready', { sample_rows: rows.length });

  for await (const line of createInterface({ input: process.stdin })) {
    const [cmd, arg] = line.trim().split(/\s+/);
    if (cmd === 'start') {
      const bytes = Math.min(Number(arg), a.maxBodyBytes - 64);
      if (!frames.has(bytes)) frames.set(bytes, bigFrame(rows, bytes));
      const { frame, length } = frames.get(bytes)!;
      stop = false;
      running = (async () => {
        const rtt: number[] = [];
        let bad = 0;
        while (!stop) {
          if (
            (await within(ws.ask(reset), 'a reset')).compare(
              OBSERVATION,
              0,
              OBSERVATION.length,
              0,
              OBSERVATION.length,
            ) !== 0
          )
            bad += 1;
          const t0 = performance.now();
          const reply = await within(ws.ask(frame), `a ${length}-byte submission`);
          rtt.push(performance.now() - t0);
          if (reply.compare(OBSERVATION, 0, OBSERVATION.length, 0, OBSERVATION.length) !== 0) bad += 1;
        }
        emit('stopped', { bytes, frame_bytes: length, rtt_ms: rtt, bad });
      })();
    } else if (cmd === 'stop') {
      stop = true;
      await running;
    } else if (cmd === 'exit') break;
  }
  ws.close();
  emit('result', {});
});
