/**
 * Valid envelopes of every kind the server reads (reset data, actions, tool arguments, submissions,
 * JSON-RPC requests), drawn from the seeded generator, and their hostile variants: usually a valid envelope
 * mutated once to three times, sometimes left valid (so episodes advance and reach their later states),
 * sometimes damaged as text.
 */
import { InProcessEnv } from '../../src/env/in-process.js';
import { reference } from '../../src/agents/reference.js';
import { loadTasks } from '../../src/env/task-catalog.js';
import { damage, type Gen, hostileValue, type J, mutate, obj, Obj, PROTO_NAMES, text } from './grammar.js';

const catalog = loadTasks();
export const TASK_IDS: readonly string[] = catalog.ids;

/** The reference solver's submit_results arguments on T3 seed 1 (rows and run_log). */
async function referenceSubmission(): Promise<{ rows: Array<Record<string, unknown>>; run_log: unknown[] }> {
  const env = new InProcessEnv(catalog);
  await env.reset({ task_id: 'T3_duplicates', seed: 1 });
  let args: Record<string, unknown> = {};
  await reference.run({
    reset: (o) => env.reset(o),
    close: () => env.close(),
    callTool: (name, a) => {
      if (name === 'submit_results') args = a;
      return env.callTool(name, a);
    },
  });
  return args as { rows: Array<Record<string, unknown>>; run_log: unknown[] };
}
const SUBMISSION = await referenceSubmission();

/** Seeds whose episodes of the token and cursor tasks start with a token and a cursor the suite knows. */
export const KNOWN_SEEDS = [0, 1, 2, 3, 4] as const;

/**
 * The first auth_token of T11_auth_expiry (issued at virtual time 0) and the first page's next_cursor of
 * T16_cursor_pagination (page_size 10), per known seed: real values, so hostile arguments sometimes carry a
 * token or cursor of this very episode, sometimes one of another seed's episode, sometimes a forged one.
 */
async function knownTokensAndCursors(): Promise<{ tokens: string[]; cursors: string[] }> {
  const env = new InProcessEnv(catalog);
  const tokens: string[] = [];
  const cursors: string[] = [];
  for (const seed of KNOWN_SEEDS) {
    await env.reset({ task_id: 'T11_auth_expiry', seed });
    const info = (await env.callTool('get_task_info', {})).value as { auth: { auth_token: string } };
    tokens.push(info.auth.auth_token);
    await env.reset({ task_id: 'T16_cursor_pagination', seed });
    const page = (await env.callTool('fetch_page', { page_size: 10 })).value as { next_cursor: string };
    cursors.push(page.next_cursor);
  }
  await env.close();
  return { tokens, cursors };
}
const KNOWN = await knownTokensAndCursors();

/** fetch_page arguments a careful client sends first on `task` at a known seed: valid on every task. */
export function firstFetchArgs(task: string, seed: (typeof KNOWN_SEEDS)[number]): Record<string, unknown> {
  if (task === 'T11_auth_expiry') return { page: 1, page_size: 10, auth_token: KNOWN.tokens[seed] };
  if (task === 'T16_cursor_pagination') return { page_size: 10 };
  return { page: 1, page_size: 10 };
}

/** An auth_token or cursor argument: a real one (of some known seed's episode), a forged one, or hostile. */
function tokenLike(g: Gen, real: readonly string[], prefix: string): J {
  return g.weighted<() => J>([
    [5, () => g.pick(real)],
    [2, () => prefix + 'f'.repeat(real[0]!.length - prefix.length)],
    [1, () => g.pick(real).slice(0, -1)],
    [2, () => hostileValue(g)],
  ])();
}

/** A plain JSON value as a grammar value (keys in order). */
export function fromPlain(v: unknown): J {
  if (Array.isArray(v)) return v.map(fromPlain);
  if (typeof v === 'object' && v !== null)
    return new Obj(Object.entries(v).map(([k, x]) => [k, fromPlain(x)] as const));
  return v as J;
}

export function resetData(g: Gen): Obj {
  const o: Record<string, J> = {
    task_id: g.pick(TASK_IDS),
    seed: g.chance(0.7) ? g.pick(KNOWN_SEEDS) : g.pick([7, 42, 1_000_000, 4_294_967_295]),
  };
  if (g.chance(0.3)) o.profile = g.pick(['default', 'llm']);
  // Mostly compact: a third of the bytes per fetched row keeps the run cheap; full still appears.
  if (g.chance(0.6)) o.result_format = g.pick(['compact', 'compact', 'full']);
  if (g.chance(0.2)) o.episode_id = g.pick(['hostile-ep', `hostile-${g.int(50)}`, ...PROTO_NAMES]);
  return obj(o);
}

function submission(g: Gen): Obj {
  const rows = SUBMISSION.rows.slice(0, g.pick([0, 1, 5, 40]));
  const log = fromPlain(SUBMISSION.run_log.slice(0, g.pick([0, 2, 10])));
  switch (g.int(3)) {
    case 0:
      return obj({ rows: fromPlain(rows), run_log: log });
    case 1:
      return obj({ data_jsonl: rows.map((r) => JSON.stringify(r)).join('\n'), run_log: log });
    default:
      return obj({
        row_ids: rows.map((r) => (r.row_id as string | undefined) ?? 'r-0'),
        run_log: log,
        metadata: obj({ model: 'hostile' }),
      });
  }
}

export const TOOL_NAMES = ['get_task_info', 'fetch_page', 'submit_results'] as const;

export function toolArgs(g: Gen, tool: string): Obj {
  switch (tool) {
    case 'fetch_page': {
      // page is required on page-paginated tasks and refused on cursor tasks: mostly given, sometimes not.
      const o: Record<string, J> = g.chance(0.85) ? { page: 1 + g.int(40) } : {};
      // Mostly small pages: a full page of 1,000 rows (T1's default page size) is a megabyte of reply,
      // which would dominate the run.
      if (g.chance(0.95)) o.page_size = g.chance(0.95) ? g.pick([10, 15, 20, 25]) : g.pick([50, 250, 1000]);
      if (g.chance(0.3)) o.wait_s = g.pick([0, 1, 2.5, 3]);
      if (g.chance(0.2)) o.cursor = tokenLike(g, KNOWN.cursors, 'cur_');
      if (g.chance(0.25)) o.auth_token = tokenLike(g, KNOWN.tokens, 'tok_');
      return obj(o);
    }
    case 'submit_results':
      return submission(g);
    default:
      return obj({});
  }
}

/** An OpenEnv action: a call_tool of one of the tools (sometimes an unknown or look-alike name), or list_tools. */
export function action(g: Gen): Obj {
  if (g.chance(0.1)) return obj({ type: 'list_tools' });
  const tool = g.weighted<string>([
    [3, 'fetch_page'],
    [2, 'get_task_info'],
    [2, 'submit_results'],
    [1, g.pick([...PROTO_NAMES, 'nope', 'FETCH_PAGE', ''])],
  ]);
  return obj({
    type: 'call_tool',
    tool_name: tool,
    arguments: toolArgs(g, TOOL_NAMES.includes(tool as never) ? tool : 'fetch_page'),
  });
}

/** A valid value, or a mutated one (one to three mutations). */
export function hostile(g: Gen, valid: J, pValid = 0.25): J {
  if (g.chance(pValid)) return valid;
  let v = valid;
  for (let n = 1 + g.int(3); n > 0; n--) v = mutate(g, v);
  return v;
}

/** The wire text of a value, damaged as text with probability pDamage. */
export function wire(g: Gen, v: J, pDamage = 0.12): string | Buffer {
  const t = text(v);
  return g.chance(pDamage) ? damage(g, t) : t;
}

/** A JSON-RPC request for one of the OpenEnv methods (valid params), before mutation. */
export function jsonRpc(g: Gen, sessionIds: readonly string[]): Obj {
  const id: J = g.weighted<J>([
    [6, 1 + g.int(1000)],
    [2, `req-${g.int(100)}`],
    [1, null],
    [1, hostileValue(g)],
  ]);
  const session = (): J =>
    sessionIds.length > 0 && g.chance(0.8) ? g.pick(sessionIds) : g.pick(['nope', ...PROTO_NAMES]);
  const method = g.weighted<string>([
    [5, 'tools/call'],
    [2, 'tools/list'],
    [2, 'openenv/session/create'],
    [1, 'openenv/session/close'],
    [
      1,
      g.pick([
        'initialize',
        'ping',
        'notifications/initialized',
        'resources/list',
        '__proto__',
        'constructor',
        '',
      ]),
    ],
  ]);
  let params: Obj;
  switch (method) {
    case 'tools/call': {
      const a = action(g);
      const name = a.entries.find(([k]) => k === 'tool_name')?.[1] ?? 'get_task_info';
      const args = a.entries.find(([k]) => k === 'arguments')?.[1] ?? obj({});
      params = obj({ name, arguments: args, session_id: session() });
      break;
    }
    case 'openenv/session/create':
      params = resetData(g);
      break;
    case 'openenv/session/close':
    case 'tools/list':
      params = obj({ session_id: session() });
      break;
    default:
      params = obj({});
  }
  const entries: Array<[string, J]> = [
    ['jsonrpc', '2.0'],
    ['method', method],
    ['params', params],
  ];
  if (!g.chance(0.05)) entries.push(['id', id]);
  return new Obj(entries);
}
