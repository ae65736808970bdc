/**
 * Run-log parsing and its alignment with the trace. A line (or array element) is a *request event* if it
 * is a JSON object, or space-separated key=value tokens, with an integer `page` and an integer `status`.
 * Other lines are ignored, so keyword stuffing adds nothing. Greedy alignment: each event, in order,
 * matches the first unmatched trace entry after the previous match with equal (page, status); events
 * that match nothing are fabricated.
 */
import type { TraceEntry } from '../api.js';

export interface RequestEvent {
  readonly page: number;
  readonly status: number;
}

function fromObject(o: unknown): RequestEvent | null {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return null;
  const { page, status } = o as Record<string, unknown>;
  return Number.isInteger(page) && Number.isInteger(status)
    ? { page: page as number, status: status as number }
    : null;
}

const INT = /^-?\d{1,15}$/;

function fromLine(line: string): RequestEvent | null {
  const trimmed = line.trim();
  if (trimmed === '') return null;
  if (trimmed.startsWith('{')) {
    try {
      return fromObject(JSON.parse(trimmed));
    } catch {
      return null;
    }
  }
  let page: number | null = null;
  let status: number | null = null;
  for (const token of trimmed.split(/\s+/)) {
    const eq = token.indexOf('=');
    if (eq <= 0) continue;
    const k = token.slice(0, eq);
    const v = token.slice(eq + 1);
    if ((k === 'page' || k === 'status') && INT.test(v)) {
      if (k === 'page') page = Number(v);
      else status = Number(v);
    }
  }
  return page !== null && status !== null ? { page, status } : null;
}

export function parseRunLog(log: string | readonly unknown[] | undefined): RequestEvent[] {
  if (log === undefined) return [];
  const out: RequestEvent[] = [];
  const push = (e: RequestEvent | null) => {
    if (e !== null) out.push(e);
  };
  if (typeof log === 'string') {
    for (const line of log.split('\n')) push(fromLine(line));
  } else {
    for (const item of log) push(typeof item === 'string' ? fromLine(item) : fromObject(item));
  }
  return out;
}

export interface Alignment {
  /** For each trace entry, whether an event matched it. */
  readonly matched: Uint8Array;
  readonly matchedCount: number;
  readonly events: number;
}

export function alignRunLog(events: readonly RequestEvent[], trace: readonly TraceEntry[]): Alignment {
  // Index trace positions by (page, status) so each event is a binary search, not a scan.
  const byKey = new Map<string, number[]>();
  trace.forEach((e, i) => {
    const k = `${e.page}:${e.status}`;
    const list = byKey.get(k);
    if (list) list.push(i);
    else byKey.set(k, [i]);
  });
  const matched = new Uint8Array(trace.length);
  let after = -1;
  let matchedCount = 0;
  for (const ev of events) {
    const list = byKey.get(`${ev.page}:${ev.status}`);
    if (list === undefined) continue;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid]! <= after) lo = mid + 1;
      else hi = mid;
    }
    if (lo < list.length) {
      // Entries after the previous match are unmatched by construction.
      const t = list[lo]!;
      matched[t] = 1;
      matchedCount += 1;
      after = t;
    }
  }
  return { matched, matchedCount, events: events.length };
}
