/**
 * A minimal WebSocket client over `net` for load generation, so that a fast server, not the client, bounds
 * a small-step load: an RFC 6455 handshake, text frames built once (masked, as a client must), and replies
 * delimited by their frame headers without decoding or copying their payloads. Only the first bytes of
 * each reply are kept, to check its type. No extensions, no fragmentation (the servers send neither).
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** How many bytes of each reply's payload are kept for checks. */
const KEEP = 32;

/** A masked client text frame of `text` (build once, send many times). */
export function textFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const n = payload.length;
  const ext = n < 126 ? 0 : n < 65536 ? 2 : 8;
  const frame = Buffer.alloc(2 + ext + 4 + n);
  frame[0] = 0x81; // FIN, text
  if (ext === 0) frame[1] = 0x80 | n;
  else if (ext === 2) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(n, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeBigUInt64BE(BigInt(n), 2);
  }
  const mask = randomBytes(4);
  mask.copy(frame, 2 + ext);
  const at = 2 + ext + 4;
  for (let k = 0; k < n; k++) frame[at + k] = payload[k]! ^ mask[k & 3]!;
  return frame;
}

export class RawWs {
  private header = Buffer.alloc(10);
  private headerHave = 0;
  private remaining = 0;
  private kept: Buffer[] = [];
  private keptLen = 0;
  private waiting: ((firstBytes: Buffer) => void) | null = null;

  private constructor(private readonly socket: Socket) {}

  /** Connects to `url` (http(s):// or ws:// base, path /ws appended) and completes the handshake. */
  static open(base: string): Promise<RawWs> {
    const u = new URL(base.replace(/^ws/, 'http'));
    return new Promise((resolve, reject) => {
      const socket = connect({ host: u.hostname, port: Number(u.port) }, () => {
        socket.setNoDelay(true);
        socket.write(
          `GET /ws HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        );
      });
      let head = Buffer.alloc(0);
      const onHandshake = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onHandshake);
        const status = head.subarray(0, head.indexOf('\r\n')).toString();
        if (!/^HTTP\/1\.1 101/.test(status)) {
          socket.destroy();
          return reject(new Error(`handshake refused: ${status}`));
        }
        const ws = new RawWs(socket);
        socket.on('data', (c: Buffer) => ws.onData(c));
        const rest = head.subarray(end + 4);
        if (rest.length > 0) ws.onData(rest);
        resolve(ws);
      };
      socket.on('data', onHandshake);
      socket.once('error', reject);
    });
  }

  /** Sends one prebuilt frame and resolves with the first bytes of the next reply. */
  ask(frame: Buffer): Promise<Buffer> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.socket.write(frame);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length) {
      if (this.remaining === 0) {
        // Collect the frame header: 2 bytes, then 2 or 8 bytes of extended length (servers never mask).
        this.header[this.headerHave++] = chunk[off++]!;
        if (this.headerHave < 2) continue;
        const len7 = this.header[1]! & 0x7f;
        const need = 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0);
        if (this.headerHave < need) continue;
        const n =
          len7 < 126
            ? len7
            : len7 === 126
              ? this.header.readUInt16BE(2)
              : Number(this.header.readBigUInt64BE(2));
        this.headerHave = 0;
        this.remaining = n;
        if (n === 0) this.deliver();
        continue;
      }
      const take = Math.min(this.remaining, chunk.length - off);
      if (this.keptLen < KEEP) {
        const piece = chunk.subarray(off, off + Math.min(take, KEEP - this.keptLen));
        this.kept.push(Buffer.from(piece));
        this.keptLen += piece.length;
      }
      off += take;
      this.remaining -= take;
      if (this.remaining === 0) this.deliver();
    }
  }

  private deliver(): void {
    const first = this.kept.length === 1 ? this.kept[0]! : Buffer.concat(this.kept);
    this.kept = [];
    this.keptLen = 0;
    // Control frames (opcode >= 8) are not replies.
    if ((this.header[0]! & 0x0f) >= 8) return;
    const w = this.waiting;
    this.waiting = null;
    w?.(first);
  }
}
