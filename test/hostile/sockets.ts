/**
 * A WebSocket client that sends anything (text, binary, invalid UTF-8, oversized frames, several frames at
 * once) and reads what comes back in order: each reply, or the close with its code.
 */
import WebSocket from 'ws';

export type Event = { kind: 'message'; text: string } | { kind: 'close'; code: number };

export class HostileSocket {
  private readonly events: Event[] = [];
  private waiter: ((e: Event) => void) | null = null;
  private closedWith: number | null = null;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (d) => this.push({ kind: 'message', text: d.toString() }));
    socket.on('close', (code) => {
      this.closedWith = code;
      this.push({ kind: 'close', code });
    });
    socket.on('error', () => {});
  }

  static async open(url: string): Promise<HostileSocket> {
    const socket = new WebSocket(url, { maxPayload: 64 * 1024 * 1024 });
    const s = new HostileSocket(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('unexpected-response', (_req, res) =>
        reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)),
      );
      socket.once('error', reject);
    });
    return s;
  }

  get closed(): boolean {
    return this.closedWith !== null || this.socket.readyState !== WebSocket.OPEN;
  }

  private push(e: Event): void {
    const w = this.waiter;
    this.waiter = null;
    if (w) w(e);
    else this.events.push(e);
  }

  send(data: string | Buffer, binary = false): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(data, { binary });
  }

  /** The next reply or the close; a timeout counts as neither (the caller reports it). */
  next(timeoutMs = 10_000): Promise<Event | { kind: 'timeout' }> {
    const e = this.events.shift();
    if (e !== undefined) return Promise.resolve(e);
    if (this.closedWith !== null) return Promise.resolve({ kind: 'close', code: this.closedWith });
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.waiter = null;
        resolve({ kind: 'timeout' });
      }, timeoutMs);
      this.waiter = (x) => {
        clearTimeout(t);
        resolve(x);
      };
    });
  }

  /** Drops the connection without a closing handshake. */
  terminate(): void {
    this.socket.terminate();
  }
}
