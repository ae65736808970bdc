/**
 * Recorded episodes for the episode floor: for each (task, seed), the exact frames the solver sent and
 * the exact frames it received from the real server, in order (client-side capture; the reset reply
 * first). Stored as length-prefixed bytes: per episode [u32 key length][key], then the replies and the
 * requests, each as [u32 count]([u32 length][bytes])*.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export interface Recorded {
  readonly replies: Buffer[];
  readonly requests: Buffer[];
}
export type Recordings = Map<string, Recorded>;

export const episodeKey = (taskId: string, seed: number) => `${taskId}|${seed}`;

export function writeRecordings(file: string, recs: Recordings): void {
  const parts: Buffer[] = [];
  const u32 = (n: number) => {
    const b = Buffer.allocUnsafe(4);
    b.writeUInt32LE(n);
    return b;
  };
  const list = (frames: Buffer[]) => {
    parts.push(u32(frames.length));
    for (const f of frames) parts.push(u32(f.length), f);
  };
  for (const [key, r] of recs) {
    const k = Buffer.from(key, 'utf8');
    parts.push(u32(k.length), k);
    list(r.replies);
    list(r.requests);
  }
  writeFileSync(file, Buffer.concat(parts));
}

export function readRecordings(file: string): Recordings {
  const buf = readFileSync(file);
  const recs: Recordings = new Map();
  let at = 0;
  const u32 = () => {
    const n = buf.readUInt32LE(at);
    at += 4;
    return n;
  };
  const list = () => {
    const frames: Buffer[] = [];
    const count = u32();
    for (let i = 0; i < count; i++) {
      const len = u32();
      frames.push(buf.subarray(at, at + len));
      at += len;
    }
    return frames;
  };
  while (at < buf.length) {
    const klen = u32();
    const key = buf.toString('utf8', at, at + klen);
    at += klen;
    const replies = list();
    const requests = list();
    recs.set(key, { replies, requests });
  }
  return recs;
}
