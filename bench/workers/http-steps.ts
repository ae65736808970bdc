/**
 * Section 5 client: stateful HTTP small steps. C keep-alive connections, each a lockstep loop of
 * `POST /step` get_task_info on its own episode (its X-Episode-Token header, fixed body), timing each request;
 * every `resetEvery` steps it `POST /reset`s a fresh episode (max_steps would end it), untimed.
 * A minimal HTTP/1.1 client over net with precomputed request bytes (it reads Content-Length bodies only),
 * lighter than autocannon and bounded the same way; the same client drives the floor.
 */
import { connect, type Socket } from 'node:net';
import { emit, Gate, runWorker, StepMeter, workerArgs, type WindowOptions } from '../lib/worker.js';

interface Args extends WindowOptions {
  url: string;
  connections: number;
  serverPid: number;
  resetEvery: number;
}

const STEP_BODY = JSON.stringify({
  action: { type: 'call_tool', tool_name: 'get_task_info', arguments: {} },
});
const HEADER_END = Buffer.from('\r\n\r\n');

/** One keep-alive connection; request() writes bytes and resolves with the status and body. */
class Conn {
  private buf: Buffer = Buffer.alloc(0);
  private waiting: ((r: { status: number; body: Buffer }) => void) | null = null;
  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
      this.parse();
    });
  }

  static open(host: string, port: number): Promise<Conn> {
    return new Promise((resolve, reject) => {
      const s = connect({ host, port }, () => resolve(new Conn(s)));
      s.once('error', reject);
    });
  }

  private parse(): void {
    const end = this.buf.indexOf(HEADER_END);
    if (end < 0) return;
    const head = this.buf.toString('latin1', 0, end);
    const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (m === null) throw new Error(`a reply without Content-Length: ${head.slice(0, 200)}`);
    const len = Number(m[1]);
    const total = end + 4 + len;
    if (this.buf.length < total) return;
    const status = Number(head.slice(9, 12));
    const body = this.buf.subarray(end + 4, total);
    this.buf = this.buf.length === total ? Buffer.alloc(0) : this.buf.subarray(total);
    const w = this.waiting;
    this.waiting = null;
    w?.({ status, body });
  }

  request(bytes: string): Promise<{ status: number; body: Buffer }> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.socket.write(bytes);
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

runWorker(async () => {
  const a = workerArgs<Args>();
  const u = new URL(a.url);
  const host = u.hostname;
  const port = Number(u.port);
  const post = (path: string, body: string, extra = '') =>
    `POST ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nContent-Type: application/json\r\n${extra}` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

  let stop = false;
  const gate = new Gate(a.connections);
  const meter = new StepMeter();
  let bad = 0;
  let firstBad = '';

  const loop = async (i: number) => {
    const c = await Conn.open(host, port);
    let seed = i;
    while (!stop) {
      const reset = await c.request(post('/reset', JSON.stringify({ task_id: 'T1_single_page', seed })));
      seed += a.connections;
      if (reset.status !== 200) throw new Error(`POST /reset: ${reset.status} ${reset.body.toString()}`);
      const token = (JSON.parse(reset.body.toString()) as { episode_token: string }).episode_token;
      const step = post('/step', STEP_BODY, `X-Episode-Token: ${token}\r\n`);
      await meter.run(
        gate,
        a.resetEvery,
        () => stop,
        async () => {
          const r = await c.request(step);
          if (r.status !== 200) {
            bad += 1;
            if (firstBad === '') firstBad = `${r.status} ${r.body.toString().slice(0, 300)}`;
          }
        },
      );
    }
    c.close();
  };

  const loops = Array.from({ length: a.connections }, (_, i) => loop(i));
  const runs = await meter.measure(a, gate, a.serverPid);
  stop = true;
  await Promise.all(loops);
  emit('result', { runs, bad_replies: bad, first_bad: firstBad });
});
