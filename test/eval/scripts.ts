/**
 * Scripted "models" for the fake provider: policies that read the conversation they are sent (the reset
 * observation and every tool reply) and decide the next tool call from it, as a model would. Nothing is
 * canned: each answer depends on what the environment replied.
 */
import { pageRows } from '../../src/core/row-format.js';
import type { Script, Turn, WireMessage } from './fake-provider.js';

type Json = Record<string, unknown>;

/** A tool call the model made and the environment's reply to it (args null: the arguments were not JSON). */
interface Exchange {
  readonly name: string;
  readonly args: Json | null;
  readonly reply: Json;
}

/** The reset observation (the first user message's JSON) and every exchange so far, in order. */
export function readConversation(messages: readonly WireMessage[]): { info: Json; exchanges: Exchange[] } {
  const first = messages.find((m) => m.role === 'user')!.content!;
  const info = JSON.parse(first.slice(first.indexOf('{'))) as Json;
  const replies = new Map<string, string>();
  for (const m of messages) if (m.role === 'tool') replies.set(m.tool_call_id!, m.content!);
  const exchanges: Exchange[] = [];
  for (const m of messages) {
    for (const c of m.role === 'assistant' ? (m.tool_calls ?? []) : []) {
      const reply = replies.get(c.id);
      if (reply === undefined) continue;
      let args: Json | null = null;
      try {
        args = JSON.parse(c.function.arguments) as Json;
      } catch {
        args = null;
      }
      exchanges.push({ name: c.function.name, args, reply: JSON.parse(reply) as Json });
    }
  }
  return { info, exchanges };
}

/** A page's rows as objects, whether they come as objects or as arrays under a `columns` header. */
export const rowsOf = (page: Json): Json[] => pageRows(page);

const call = (name: string, args: Json): Turn => ({ calls: [{ name, arguments: JSON.stringify(args) }] });

export interface PolicyOptions {
  /**
   * Retry a 429 (after retry_after_s) or a 500 on the same page, fetch a cut or lagging page again, and
   * re-fetch until every row is held.
   */
  readonly retry?: boolean;
  /** Submit at the end (otherwise keep asking for the task info). */
  readonly submit?: boolean;
  /** Send the first fetch_page with arguments that are not JSON. */
  readonly malformedFirstFetch?: boolean;
  /** Answer the first turn with text only. */
  readonly chattyFirst?: boolean;
}

const MAX_PASSES = 3;
const MAX_500_IN_A_ROW = 3;

/** A field of get_task_info's row_schema. */
interface Field {
  readonly name: string;
  readonly type: string;
}

const jsonType = (f: Field) => (f.type === 'integer' ? 'number' : f.type);
const inSchema = (schema: readonly Field[], row: Json) =>
  schema.every((f) => typeof row[f.name] === jsonType(f));
const bare = (name: string) => name.toLowerCase().replaceAll('_', '');

/** The row in row_schema: each field by its name up to case and underscores, a number given as text parsed. */
function toSchema(schema: readonly Field[], row: Json): Json {
  const served = new Map(Object.keys(row).map((k) => [bare(k), row[k]]));
  return Object.fromEntries(
    schema.map((f) => {
      const v = served.get(bare(f.name));
      return [f.name, jsonType(f) === 'number' && typeof v === 'string' ? Number(v) : v];
    }),
  );
}

/**
 * The canonical policy read off the conversation: the largest page size; after a 429 wait retry_after_s and
 * retry the page, retry a 500 or a 504 at once; after a 401 ask get_task_info for a new auth_token and retry;
 * on a cursor task follow next_cursor (and a 410's restart_cursor); fetch a page again at once while it comes
 * with fewer rows than its row_count, and fetch again every page whose latest as_of is older than the newest
 * seen, then walk on; keep one row per primary key (the first copy, or the highest version where rows have
 * one), drop summary rows; pass again while fewer than total_rows keys are held; submit by row_ids with a run
 * log of every response, or, when a kept row came in another form than get_task_info's row_schema, submit
 * every row as an object in row_schema (a field under another name taken back by its name up to case and
 * underscores, a number written as a string parsed).
 */
export function policy(opts: PolicyOptions = {}): Script {
  const retry = opts.retry ?? true;
  return (messages) => {
    const { info, exchanges } = readConversation(messages);
    if (opts.chattyFirst && !messages.some((m) => m.role === 'assistant'))
      return { content: 'First I will read the task carefully.' };
    if (!exchanges.some((e) => e.name === 'get_task_info')) return call('get_task_info', {});
    if (opts.malformedFirstFetch && !exchanges.some((e) => e.args === null))
      return { calls: [{ name: 'fetch_page', arguments: '{"page": 1, "page_size": ' }] };

    const pk = info.primary_key as string[];
    const maxSize = (info.constraints as Json).max_page_size as number;
    const cursors = (info.constraints as Json).pagination === 'cursor';
    // The latest auth_token: the reset observation's, or that of the last get_task_info reply.
    const token = [info, ...exchanges.filter((e) => e.name === 'get_task_info').map((e) => e.reply)]
      .map((v) => (v.auth as Json | undefined)?.auth_token)
      .filter((t) => typeof t === 'string')
      .at(-1);
    const fetches = exchanges.filter((e) => e.name === 'fetch_page' && typeof e.reply.status === 'number');
    // Every reply names its page (on a cursor task, the page of the cursor sent).
    const pageOf = (f: Exchange) => f.reply.page as number;
    const held = new Map<string, Json>();
    /** Each page's latest as_of (stale records). */
    const asOf = new Map<number, string>();
    let totalRows = Number.POSITIVE_INFINITY;
    let totalPages = Number.POSITIVE_INFINITY;
    for (const f of fetches) {
      if (f.reply.status !== 200) continue;
      totalRows = f.reply.total_rows as number;
      totalPages = f.reply.total_pages as number;
      if (typeof f.reply.as_of === 'string') asOf.set(pageOf(f), f.reply.as_of);
      for (const row of rowsOf(f.reply)) {
        const key = pk.map((k) => String(row[k])).join('|');
        const kept = held.get(key);
        if (row.is_total !== true && (kept === undefined || Number(row.version) > Number(kept.version)))
          held.set(key, row);
      }
    }
    const newestAsOf = [...asOf.values()].sort().at(-1);
    const lagging = [...asOf.keys()].filter((p) => asOf.get(p)! < newestAsOf!);
    const cut = (f: Exchange) =>
      typeof f.reply.row_count === 'number' && (f.reply.rows as unknown[]).length < f.reply.row_count;
    // A pass starts with a request for page 1 after one for the last page; the walk goes on from the
    // furthest page served in the current pass (a page fetched again behind it does not move it back).
    let passStart = 0;
    let passes = 0;
    fetches.forEach((f, i) => {
      if (pageOf(f) === 1 && (i === 0 || fetches.slice(passStart, i).some((g) => pageOf(g) >= totalPages))) {
        passStart = i;
        passes += 1;
      }
    });
    const frontier = Math.max(
      0,
      ...fetches
        .slice(passStart)
        .filter((f) => f.reply.status === 200)
        .map(pageOf),
    );
    const runLog = fetches.map((f) =>
      f.reply.status === 429
        ? { page: pageOf(f), status: 429, retry_after_s: f.reply.retry_after_s }
        : { page: pageOf(f), status: f.reply.status },
    );
    const kept = [...held.values()];
    const schema = exchanges.find((e) => e.name === 'get_task_info')!.reply.row_schema as Field[];
    const finish = (): Turn =>
      opts.submit === false
        ? call('get_task_info', {})
        : call('submit_results', {
            ...(kept.every((r) => inSchema(schema, r))
              ? { row_ids: kept.map((r) => r.row_id) }
              : { rows: kept.map((r) => toSchema(schema, r)) }),
            run_log: runLog,
          });
    /** A request for `page`: by number, or on a cursor task by `cursor` (none for page 1). */
    const fetch = (page: number, waitS?: unknown, cursor?: unknown): Turn =>
      call('fetch_page', {
        ...(cursors ? (typeof cursor === 'string' ? { cursor } : {}) : { page }),
        ...(token === undefined ? {} : { auth_token: token }),
        page_size: maxSize,
        ...(typeof waitS === 'number' ? { wait_s: waitS } : {}),
      });
    const last = fetches.at(-1);
    const after = (page: number, waitS?: unknown): Turn => {
      if (page < totalPages) return fetch(page + 1, waitS, last?.reply.next_cursor);
      if (retry && held.size < totalRows && passes < MAX_PASSES) return fetch(1, waitS);
      return finish();
    };

    if (last === undefined) return fetch(1);
    const page = pageOf(last);
    const again = last.args!.cursor;
    switch (last.reply.status) {
      case 402:
        return finish();
      case 429:
        return retry ? fetch(page, last.reply.retry_after_s, again) : after(page, last.reply.retry_after_s);
      case 401:
        // A new token first, then the same request with it.
        return exchanges.at(-1) === last ? call('get_task_info', {}) : fetch(page, undefined, again);
      case 410:
        return fetch(page, undefined, last.reply.restart_cursor);
      case 500:
      case 504: {
        let inARow = 0;
        for (
          let i = fetches.length - 1;
          i >= 0 && [500, 504].includes(fetches[i]!.reply.status as number);
          i--
        )
          inARow += 1;
        return retry && inARow < MAX_500_IN_A_ROW ? fetch(page, undefined, again) : after(page);
      }
      default:
        if (retry && cut(last)) return fetch(page);
        if (retry && lagging.length > 0) return fetch(Math.min(...lagging));
        return after(Math.max(page, frontier));
    }
  };
}
