/**
 * Recorded reply sequences for the episode floor: for each (task, seed), the exact frames the solver
 * received from the real server, in order (the reset reply first). Stored as length-prefixed bytes:
 * [u32 key length][key][u32 frame count]([u32 frame length][frame bytes])* per episode.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export type Recordings = Map<string, Buffer[]>;

export const episodeKey = (taskId: string, seed: number) => `${taskId}|${seed}`;

export function writeRecordings(file: string, recs: Recordings): void {
  const parts: Buffer[] = [];
  const u32 = (n: number) => {
    const b = Buffer.allocUnsafe(4);
    b.writeUInt32LE(n);
    return b;
  };
  for (const [key, frames] of recs) {
    const k = Buffer.from(key, 'utf8');
    parts.push(u32(k.length), k, u32(frames.length));
    for (const f of frames) parts.push(u32(f.length), f);
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
  while (at < buf.length) {
    const klen = u32();
    const key = buf.toString('utf8', at, at + klen);
    at += klen;
    const count = u32();
    const frames: Buffer[] = [];
    for (let i = 0; i < count; i++) {
      const len = u32();
      frames.push(buf.subarray(at, at + len));
      at += len;
    }
    recs.set(key, frames);
  }
  return recs;
}
