/**
 * The submission envelope of submit_results: exactly one of `rows`, `data_jsonl` or `row_ids`, plus an
 * optional `run_log` and `metadata`. Envelope problems are errors the agent can fix and submit again;
 * everything inside the data is scored, never refused.
 */
import type { ApiState } from './api.js';
import { BenchError } from './errors.js';
import type { Instance } from './instance.js';
import { ResponseRows } from './response-rows.js';

export interface SubmissionArgs {
  rows?: unknown[] | undefined;
  data_jsonl?: string | undefined;
  row_ids?: unknown[] | undefined;
  run_log?: string | unknown[] | undefined;
  metadata?: Record<string, unknown> | undefined;
}

/**
 * One submitted entry, as given: the judge treats anything that is not a plain object as malformed (a bad
 * JSON line or an unknown row_id becomes MALFORMED). Rows are never copied or wrapped.
 */
export type Entry = unknown;

export const MALFORMED: Entry = Symbol('malformed');

/** A plain (non-array, non-null) object: the only entries that can be rows. */
export function isRowObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Checks the envelope; returns which data field is used. */
export function checkEnvelope(args: SubmissionArgs, maxBytes: number): 'rows' | 'data_jsonl' | 'row_ids' {
  const given = (['rows', 'data_jsonl', 'row_ids'] as const).filter((k) => args[k] !== undefined);
  if (given.length !== 1) {
    throw new BenchError('CB_ERR_SUBMISSION_ENVELOPE', { given });
  }
  if (!withinJsonBytes(args, maxBytes)) {
    throw new BenchError('CB_ERR_SUBMISSION_TOO_LARGE', { max_submission_bytes: maxBytes });
  }
  return given[0]!;
}

/**
 * Whether a value's JSON serialisation fits in `limit` UTF-8 bytes. A cheap upper bound (6 bytes per UTF-16
 * unit, 24 per number) settles almost every submission in one walk; only when the bound is over the limit
 * is the exact size counted.
 */
export function withinJsonBytes(value: unknown, limit: number): boolean {
  let bound = 0;
  const stack: object[] = [];
  // Primitives are counted where they stand; only arrays and objects go on the stack.
  const add = (x: unknown) => {
    if (typeof x === 'string') bound += 6 * x.length + 2;
    else if (typeof x === 'object' && x !== null) stack.push(x);
    else bound += 24;
  };
  add(value);
  while (stack.length > 0 && bound <= limit) {
    const v = stack.pop()!;
    if (Array.isArray(v)) {
      bound += 2 + v.length;
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i];
        if (typeof x === 'string') bound += 6 * x.length + 2;
        else if (typeof x === 'object' && x !== null) stack.push(x);
        else bound += 24;
      }
    } else {
      bound += 2;
      for (const k in v) {
        const x = (v as Record<string, unknown>)[k];
        bound += 6 * k.length + 4;
        if (typeof x === 'string') bound += 6 * x.length + 2;
        else if (typeof x === 'object' && x !== null) stack.push(x);
        else bound += 24;
      }
    }
  }
  return bound <= limit || jsonBytes(value, limit) <= limit;
}

/**
 * The UTF-8 size of a value serialised as JSON (strings with their quotes and escapes), computed by one
 * walk that stops as soon as it passes `limit`, so a large submission is never serialised to be measured.
 */
export function jsonBytes(value: unknown, limit: number): number {
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && total <= limit) {
    const v = stack.pop();
    if (typeof v === 'string') total += stringBytes(v);
    else if (typeof v === 'number') total += numberBytes(v);
    else if (typeof v === 'boolean') total += v ? 4 : 5;
    else if (v === null || v === undefined) total += 4;
    else if (Array.isArray(v)) {
      total += 1 + Math.max(1, v.length);
      for (let i = 0; i < v.length; i++) stack.push(v[i]);
    } else if (typeof v === 'object') {
      let fields = 0;
      for (const k in v as Record<string, unknown>) {
        total += stringBytes(k) + 1;
        stack.push((v as Record<string, unknown>)[k]);
        fields += 1;
      }
      total += 1 + Math.max(1, fields);
    }
  }
  return total;
}

/** JSON string size in UTF-8: quotes, 2-byte escapes for " \\ \\n etc., 6-byte \\u00XX for other controls. */
function stringBytes(s: string): number {
  let n = 2;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      if (c === 34 || c === 92 || c === 8 || c === 9 || c === 10 || c === 12 || c === 13) n += 2;
      else n += c < 0x20 ? 6 : 1;
    } else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i += 1;
    } else n += 3;
  }
  return n;
}

function numberBytes(v: number): number {
  if (Number.isInteger(v) && Math.abs(v) < 1e15) {
    let n = v < 0 ? 2 : 1;
    for (let a = Math.abs(v); a >= 10; a = Math.floor(a / 10)) n += 1;
    return n;
  }
  return Number.isFinite(v) ? String(v).length : 4;
}

/** The entries of a submission, in order. */
export function submissionEntries(
  inst: Instance,
  st: ApiState,
  args: SubmissionArgs,
  field: 'rows' | 'data_jsonl' | 'row_ids',
): readonly Entry[] {
  if (field === 'rows') return args.rows!;
  if (field === 'data_jsonl') return jsonlEntries(args.data_jsonl!);
  return args.row_ids!.map((id) => resolveRowId(inst, st, id));
}

function jsonlEntries(text: string): Entry[] {
  const out: Entry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      out.push(MALFORMED);
    }
  }
  return out;
}

const ROW_ID = /^r(\d{1,9})\.(\d{1,9})$/;

/**
 * The row_id `r<request>.<index>` names the index-th row of the 200 response to request number <request>,
 * and resolves to that row exactly as the response served it (src/core/response-rows.ts): a cut response's
 * rows only, a drifted row in its drifted form, a lagging snapshot's row in the version it served.
 */
export function resolveRowId(inst: Instance, st: ApiState, id: unknown): Entry {
  if (typeof id !== 'string') return MALFORMED;
  const m = ROW_ID.exec(id);
  if (m === null) return MALFORMED;
  const entry = st.trace[Number(m[1]) - 1];
  const k = Number(m[2]);
  if (entry === undefined || (entry.kind !== 'served' && entry.kind !== 'truncated') || k >= entry.count)
    return MALFORMED;
  return new ResponseRows(inst, entry).object(k, id);
}
