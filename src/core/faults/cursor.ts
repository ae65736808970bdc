/**
 * Cursor pagination and fault kind `cursor`: listings that expire (T16).
 *
 * On a task with `pagination: "cursor"`, fetch_page takes no page number. A request without `cursor` opens a
 * new listing at page 1 (at the request's virtual time); each 200 gives `next_cursor` for the next page of the
 * same listing (null on the last page). With the `cursor` fault kind a listing expires `cursor_ttl_s` of virtual
 * time after it was opened: a request whose cursor belongs to an expired listing (request time >= open time +
 * cursor_ttl_s) gets 410 `cursor_expired`, counted, a fault, no page attempt, with a `restart_cursor` for the
 * same page in a new listing opened when the 410 is sent (its time + latency_ms). So an agent resumes where
 * it was without losing or repeating a page; one that starts again without a cursor re-reads page 1 onwards in
 * a listing that lives no longer than the last one. "The same page" of a cursor, for robustness and the run
 * log, is its position: page = position / page_size + 1.
 *
 * A cursor is opaque and stateless: its listing's open time and its stream position, masked and signed with a
 * keyed hash of the episode's `cursor` stream key (which mixes in SEED_SALT). A cursor that does not decode
 * and verify, or whose listing opened later than the episode's clock, is a tool error (src/core/episode.ts)
 * that costs nothing.
 */
import { hash } from '../rng.js';

export const CURSOR_EXPIRED = 'cursor_expired' as const;

/** What a cursor stands for: the open time of its listing and the stream position of its page. */
export interface Cursor {
  readonly openMs: number;
  readonly pos: number;
}

const TWO32 = 2 ** 32;
const hex8 = (x: number): string => x.toString(16).padStart(8, '0');
const CURSOR = /^cur_([0-9a-f]{8})([0-9a-f]{8})([0-9a-f]{8})([0-9a-f]{8})$/;

function mac(key: number, pos: number, lo: number, hi: number): number {
  return hash(key, 101, pos, hash(key, 102, lo, hi));
}

export function encodeCursor(key: number, c: Cursor): string {
  const lo = c.openMs % TWO32;
  const hi = Math.floor(c.openMs / TWO32);
  const m = mac(key, c.pos, lo, hi);
  return (
    `cur_${hex8(m)}${hex8((c.pos ^ hash(key, 103, m)) >>> 0)}` +
    `${hex8((lo ^ hash(key, 104, m)) >>> 0)}${hex8((hi ^ hash(key, 105, m)) >>> 0)}`
  );
}

/** The cursor a text stands for, or null when it is not a cursor of this instance. */
export function decodeCursor(key: number, text: string): Cursor | null {
  const g = CURSOR.exec(text);
  if (g === null) return null;
  const m = Number.parseInt(g[1]!, 16);
  const pos = (Number.parseInt(g[2]!, 16) ^ hash(key, 103, m)) >>> 0;
  const lo = (Number.parseInt(g[3]!, 16) ^ hash(key, 104, m)) >>> 0;
  const hi = (Number.parseInt(g[4]!, 16) ^ hash(key, 105, m)) >>> 0;
  if (mac(key, pos, lo, hi) !== m) return null;
  return { openMs: hi * TWO32 + lo, pos };
}

/** Whether a request made at `atMs` in the listing opened at `openMs` finds it expired. */
export function listingExpired(ttlMs: number | null, openMs: number, atMs: number): boolean {
  return ttlMs !== null && atMs >= openMs + ttlMs;
}
