/** The live WebSocket connections of one endpoint by session id, so the reaper and shutdown can close them. */
import type { RawData, WebSocket } from 'ws';
import type { SessionStore } from '../env/sessions.js';

const OPEN = 1; // WebSocket.OPEN
const CLOSED = 3; // WebSocket.CLOSED

export class SocketRegistry {
  private readonly sockets = new Map<string, WebSocket>();

  add(id: string, socket: WebSocket): void {
    this.sockets.set(id, socket);
  }
  delete(id: string): void {
    this.sockets.delete(id);
  }
  get size(): number {
    return this.sockets.size;
  }

  close(id: string, code: number, reason: string): void {
    const s = this.sockets.get(id);
    if (s !== undefined && s.readyState === OPEN) s.close(code, reason);
  }

  /** Closes the sockets whose session is gone from the store (reaped, or closed through JSON-RPC). */
  sweep(store: SessionStore): void {
    for (const [id, socket] of this.sockets) {
      if (store.get(id) === undefined && socket.readyState === OPEN) socket.close(1000, 'session ended');
    }
  }

  /** Closes every socket with `code`, waits for the closing handshakes, and drops the stragglers after `graceMs`. */
  async closeAll(code: number, reason: string, graceMs: number): Promise<void> {
    const all = [...this.sockets.values()];
    const closed = all.map((s) =>
      s.readyState === CLOSED ? Promise.resolve() : new Promise<void>((r) => s.once('close', () => r())),
    );
    for (const s of all) if (s.readyState === OPEN) s.close(code, reason);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((r) => {
      timer = setTimeout(r, graceMs);
    });
    await Promise.race([Promise.all(closed), late]);
    clearTimeout(timer);
    for (const s of all) if (s.readyState !== CLOSED) s.terminate();
  }
}

/** A received frame as text, without copying a single Buffer. */
export function frameText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
}
