/**
 * An episode: one task instance, its API state (budget, virtual clock, trace), the step limit, and the
 * three tools. Pure and synchronous; transports reach it through runTool.
 */
import { ApiState, pageWindow, requestPage, totalPages } from './api.js';
import { RowWriter } from './dataset.js';
import { type DirectValue, isDirectValue, LazyValue } from './direct-value.js';
import { BenchError } from './errors.js';
import { currentToken, tokenIssue, tokenText } from './faults/auth.js';
import { requestsRemaining } from './faults/budget.js';
import { type Cursor, decodeCursor, encodeCursor } from './faults/cursor.js';
import { asOfText } from './faults/stale.js';
import { deriveInstance, type Instance } from './instance.js';
import { type Breakdown, type EndReason, judge } from './judge/index.js';
import type { ReferencePlan } from './judge/reference-plan.js';
import { ResponseRows } from './response-rows.js';
import { ServedPage } from './served-page.js';
import type { RowFormat } from './row-format.js';
import { checkEnvelope, type SubmissionArgs, submissionEntries } from './submission.js';
import { type EpisodeFacts, type TaskInfo, taskInfo, type TaskInfoText } from './task-info.js';
import type { ResolvedTask } from './task-spec.js';
import { TOOL_BY_NAME } from './tools.js';
import { BENCHMARK_VERSION, JUDGE_VERSION } from './versions.js';

export interface EpisodeOptions {
  readonly task: ResolvedTask;
  readonly seed: number;
  readonly episodeId: string;
  /** Deployment secret mixed into every stream key (SEED_SALT), and its recorded hash. */
  readonly salt?: string;
  readonly saltHash?: string | null;
  /** Precomputed R* and T* for this instance (e.g. from a cache); computed at judge time otherwise. */
  readonly plan?: ReferencePlan;
  /** How served pages carry rows (reset's row_format); the task's row_format when absent. */
  readonly rowFormat?: RowFormat | undefined;
  /** `new TaskInfoText(task)`, when the caller keeps one per task: get_task_info's text is then written from it. */
  readonly infoText?: TaskInfoText | undefined;
}

/**
 * A tool call's outcome. A successful value may also come as `direct` (its JSON text written without
 * building the object; `value` is then built on first read), which transports splice into frames.
 */
export type ToolOutcome =
  | { readonly ok: true; readonly value: Record<string, unknown>; readonly direct?: DirectValue }
  | { readonly ok: false; readonly error: BenchError };

/**
 * A successful outcome whose value came as a DirectValue. The getter is on the prototype: an accessor
 * literal per call would give every outcome its own hidden class (allocated in old space).
 */
class DirectOutcome {
  readonly ok = true;
  constructor(readonly direct: DirectValue) {}
  get value(): Record<string, unknown> {
    return this.direct.value();
  }
}

function okOutcome(v: Record<string, unknown> | DirectValue): ToolOutcome {
  return isDirectValue(v) ? new DirectOutcome(v) : { ok: true, value: v };
}

/** fetch_page's arguments after schema validation (src/core/tools.ts). */
export interface FetchArgs {
  readonly page?: number | undefined;
  readonly cursor?: string | undefined;
  readonly auth_token?: string | undefined;
  readonly page_size?: number | undefined;
  readonly wait_s?: number | undefined;
}

/** An invalid fetch_page argument the schema cannot see (it depends on the task or the episode). */
function fetchArgumentError(arg: string, message: string): BenchError {
  return new BenchError('CB_ERR_INVALID_ARGUMENT', {
    tool: 'fetch_page',
    issues: [{ path: [arg], message }],
  });
}

export interface CallResult {
  readonly outcome: ToolOutcome;
  readonly done: boolean;
  /** score / 100 when this call ended the episode, else null. */
  readonly reward: number | null;
}

export class Episode {
  readonly inst: Instance;
  readonly episodeId: string;
  readonly api = new ApiState();
  private readonly saltHash: string | null;
  private readonly plan: ReferencePlan | undefined;
  readonly rowFormat: RowFormat;
  private readonly infoText: TaskInfoText | undefined;
  /** Writes served rows as JSON text (made on the first page served over a transport). */
  private rowWriter: RowWriter | undefined;
  stepCount = 0;
  private ended: { reason: EndReason; breakdown: Breakdown } | null = null;

  constructor(opts: EpisodeOptions) {
    this.inst = deriveInstance(opts.task, opts.seed, opts.salt ?? '');
    this.episodeId = opts.episodeId;
    this.saltHash = opts.saltHash ?? null;
    this.plan = opts.plan;
    this.rowFormat = opts.rowFormat ?? opts.task.row_format;
    this.infoText = opts.infoText;
  }

  get task(): ResolvedTask {
    return this.inst.task;
  }
  get done(): boolean {
    return this.ended !== null;
  }
  get endReason(): EndReason | null {
    return this.ended?.reason ?? null;
  }
  get breakdown(): Breakdown | null {
    return this.ended?.breakdown ?? null;
  }

  /** Calls a tool by name with raw (unvalidated) arguments. Never throws for bad input. */
  runTool(name: string, rawArgs: unknown): CallResult {
    if (this.ended !== null) {
      return this.result({
        ok: false,
        error: new BenchError('CB_ERR_EPISODE_DONE', {
          episode_id: this.episodeId,
          end_reason: this.ended.reason,
        }),
      });
    }
    this.stepCount += 1;
    let outcome: ToolOutcome;
    const tool = TOOL_BY_NAME.get(name);
    if (tool === undefined) {
      outcome = {
        ok: false,
        error: new BenchError('CB_ERR_UNKNOWN_TOOL', { tool: name, tools: [...TOOL_BY_NAME.keys()] }),
      };
    } else {
      const parsed = tool.input.safeParse(rawArgs ?? {});
      if (!parsed.success) {
        outcome = {
          ok: false,
          error: new BenchError('CB_ERR_INVALID_ARGUMENT', { tool: name, issues: parsed.error.issues }),
        };
      } else {
        try {
          outcome = okOutcome(tool.handler(this, parsed.data));
        } catch (e) {
          if (!(e instanceof BenchError)) throw e;
          outcome = { ok: false, error: e };
        }
      }
    }
    if (this.ended === null && this.stepCount >= this.task.max_steps) this.end('step_limit');
    return this.result(outcome);
  }

  private result(outcome: ToolOutcome): CallResult {
    return { outcome, done: this.done, reward: this.ended === null ? null : this.ended.breakdown.reward };
  }

  /** Ends the episode without a submission (step limit, idle reap, close): it scores 0. */
  end(reason: Exclude<EndReason, 'submitted'>): Breakdown {
    if (this.ended === null) {
      const breakdown = judge({
        inst: this.inst,
        api: this.api,
        entries: null,
        runLog: undefined,
        endReason: reason,
        plan: this.plan,
      });
      this.ended = { reason, breakdown };
    }
    return this.ended.breakdown;
  }

  /** What get_task_info reports of this episode now. */
  private facts(): EpisodeFacts {
    const api = this.api;
    return {
      episodeId: this.episodeId,
      seed: this.inst.seed,
      saltHash: this.saltHash,
      query: this.inst.query,
      rowFormat: this.rowFormat,
      requestsUsed: api.requestsUsed,
      requestsRemaining: requestsRemaining(api.requestsUsed, this.task.request_budget),
      pageSizeLocked: api.pageSize,
      stepsUsed: this.stepCount,
      auth: this.currentAuth(),
    };
  }

  /** Tasks with auth: the token get_task_info gives now (issuing a new one when none is current). */
  private currentAuth(): EpisodeFacts['auth'] {
    const auth = this.task.faults.auth;
    if (auth === undefined) return undefined;
    const ttlMs = Math.round(auth.token_ttl_s * 1000);
    const issuedMs = currentToken((this.api.tokenIssues ??= []), ttlMs, this.api.clockMs);
    return { token: tokenText(this.inst.keys.auth, issuedMs), issuedMs, expiresMs: issuedMs + ttlMs };
  }

  /** get_task_info's value now. */
  taskInfo(): TaskInfo {
    return taskInfo(this.task, this.facts(), this.infoText?.fields);
  }

  /**
   * get_task_info's tool value: built only if a caller asks for the object; its text written from the
   * task's TaskInfoText when the episode was given one.
   */
  taskInfoValue(): DirectValue {
    const facts = this.facts();
    const text = this.infoText;
    const build = () => taskInfo(this.task, facts, text?.fields);
    if (text === undefined) return new LazyValue(build, () => JSON.stringify(build()));
    return new LazyValue(
      build,
      () => text.json(facts),
      () => text.escapedJson(facts),
    );
  }

  versions(): {
    benchmark_version: string;
    judge_version: string;
    task_hash: string;
    seed_salt_hash: string | null;
  } {
    return {
      benchmark_version: BENCHMARK_VERSION,
      judge_version: JUDGE_VERSION,
      task_hash: this.task.task_hash,
      seed_salt_hash: this.saltHash,
    };
  }

  fetch(args: FetchArgs): Record<string, unknown> | DirectValue {
    const t = this.task;
    const pageSize = args.page_size;
    const waitS = args.wait_s;
    if (pageSize !== undefined && pageSize > t.max_page_size) {
      throw new BenchError('CB_ERR_INVALID_ARGUMENT', {
        tool: 'fetch_page',
        issues: [{ path: ['page_size'], min: 1, max: t.max_page_size, limit: 'max_page_size' }],
      });
    }
    if (waitS !== undefined && waitS > t.max_wait_s) {
      throw new BenchError('CB_ERR_INVALID_ARGUMENT', {
        tool: 'fetch_page',
        issues: [{ path: ['wait_s'], min: 0, max: t.max_wait_s, limit: 'max_wait_s' }],
      });
    }
    const locked = this.api.pageSize;
    if (locked !== null && pageSize !== undefined && pageSize !== locked) {
      throw new BenchError('CB_ERR_PAGE_SIZE_LOCKED', { locked_page_size: locked });
    }
    const size = locked ?? pageSize ?? t.default_page_size;
    const target = this.target(args, size);
    const tokenIssuedMs = this.presentedToken(args.auth_token);
    this.api.pageSize = size;
    const { page } = target;
    const listingOpenMs = target.cursor?.openMs;
    const e = requestPage(this.inst, this.api, page, size, Math.round((waitS ?? 0) * 1000), {
      tokenIssuedMs,
      listingOpenMs,
    });
    const pages = totalPages(this.inst, size);
    const common = {
      requests_remaining: requestsRemaining(this.api.requestsUsed, t.request_budget),
      virtual_time_s: this.api.clockMs / 1000,
    };
    switch (e.status) {
      case 200: {
        const inst = this.inst;
        const rows = new ResponseRows(inst, e);
        return new ServedPage(inst, () => (this.rowWriter ??= new RowWriter(inst)), e, rows, {
          page,
          pageSize: size,
          totalPages: pages,
          requestsRemaining: common.requests_remaining,
          virtualTimeS: common.virtual_time_s,
          rowFormat: this.rowFormat,
          nextCursor:
            t.pagination !== 'cursor'
              ? undefined
              : page < pages
                ? encodeCursor(inst.keys.cursor, { openMs: listingOpenMs ?? e.atMs, pos: page * size })
                : null,
          heldRows:
            inst.truncation === null
              ? undefined
              : e.kind === 'beyond'
                ? 0
                : pageWindow(inst, page, size, e.servedAttempt).count,
          asOf: inst.stale === null ? undefined : asOfText(inst.stale, rows.snapshotLag),
        });
      }
      case 429:
        return {
          status: 429,
          error: 'rate_limited',
          retry: true,
          retry_after_s: e.retryAfterMs / 1000,
          page,
          ...common,
          message: `Rate limited. Wait retry_after_s (${e.retryAfterMs / 1000} s) before the next request.`,
        };
      case 500:
        return {
          status: 500,
          error: 'server_error',
          retry: true,
          page,
          ...common,
          message: 'Transient server error. Retry the same page.',
        };
      case 401:
        return {
          status: 401,
          error: 'token_expired',
          retry: true,
          page,
          ...common,
          message: 'The auth_token has expired. Call get_task_info (free) for a new one, then retry with it.',
        };
      case 410:
        return {
          status: 410,
          error: 'cursor_expired',
          retry: true,
          page,
          restart_cursor: encodeCursor(this.inst.keys.cursor, {
            openMs: e.atMs + t.latency_ms,
            pos: (page - 1) * size,
          }),
          ...common,
          message:
            "The cursor's listing has expired. Retry with restart_cursor: it resumes at this page in a new listing.",
        };
      case 504:
        return {
          status: 504,
          error: 'gateway_timeout',
          retry: true,
          page,
          ...common,
          message: `The request timed out after ${t.faults.timeout?.timeout_s ?? 0} s. Retry the same page.`,
        };
      default:
        return {
          status: 402,
          error: 'budget_exhausted',
          retry: false,
          page,
          ...common,
          message: 'The request budget is spent. Submit what you have.',
        };
    }
  }

  /**
   * The page a fetch_page reads: its `page` on a page-paginated task; on a cursor task the page of its cursor
   * (page 1 in a new listing without one). An argument the task does not use, or a cursor this instance
   * never issued, is an invalid argument that costs nothing.
   */
  private target(args: FetchArgs, size: number): { page: number; cursor?: Cursor } {
    const t = this.task;
    if (t.pagination === 'page') {
      if (args.cursor !== undefined) {
        throw fetchArgumentError('cursor', `${t.id} is paginated by page number: pass page, not cursor`);
      }
      if (args.page === undefined) throw fetchArgumentError('page', 'required: the 1-based page number');
      return { page: args.page };
    }
    if (args.page !== undefined) {
      throw fetchArgumentError(
        'page',
        `${t.id} is paginated by cursor: omit page, and pass the next_cursor of the previous page (no cursor for page 1)`,
      );
    }
    if (args.cursor === undefined) return { page: 1 };
    const cursor = decodeCursor(this.inst.keys.cursor, args.cursor);
    // A cursor this episode gave never fits another page size, points past the stream, or belongs to a
    // listing opened later than now (another episode of the instance, further on its clock).
    if (
      cursor === null ||
      cursor.pos % size !== 0 ||
      cursor.pos >= this.inst.streamLength ||
      cursor.openMs > this.api.clockMs
    ) {
      throw fetchArgumentError(
        'cursor',
        'not a cursor of this episode: pass a next_cursor or restart_cursor exactly as received, or no cursor for page 1',
      );
    }
    return { page: cursor.pos / size + 1, cursor };
  }

  /** The issue time of the presented auth_token (tasks with auth); a missing or unknown token is an error. */
  private presentedToken(token: string | undefined): number | undefined {
    const t = this.task;
    if (t.faults.auth === undefined) {
      if (token !== undefined) throw fetchArgumentError('auth_token', `${t.id} does not use auth_token`);
      return undefined;
    }
    if (token === undefined) {
      throw fetchArgumentError(
        'auth_token',
        `required on ${t.id}: the auth_token get_task_info issues (free)`,
      );
    }
    const issued = tokenIssue(this.inst.keys.auth, this.api.tokenIssues ?? [], token);
    if (issued === null) {
      throw fetchArgumentError(
        'auth_token',
        'not a token this episode issued: call get_task_info (free) for the current auth_token',
      );
    }
    return issued;
  }

  submit(args: SubmissionArgs): Record<string, unknown> {
    const field = checkEnvelope(args, this.task.max_submission_bytes);
    const entries = submissionEntries(this.inst, this.api, args, field);
    const breakdown = judge({
      inst: this.inst,
      api: this.api,
      entries,
      runLog: args.run_log,
      endReason: 'submitted',
      plan: this.plan,
    });
    this.ended = { reason: 'submitted', breakdown };
    return {
      score: breakdown.score,
      reward: breakdown.reward,
      done: true,
      end_reason: 'submitted',
      ...this.versions(),
      task_id: this.task.id,
      seed: this.inst.seed,
      profile: this.task.profile,
      breakdown,
    };
  }

  /** OpenEnv state: episode_id and step_count, plus progress fields (never the trace). */
  state(): Record<string, unknown> {
    return {
      episode_id: this.episodeId,
      step_count: this.stepCount,
      task_id: this.task.id,
      seed: this.inst.seed,
      profile: this.task.profile,
      done: this.done,
      end_reason: this.endReason,
      requests_used: this.api.requestsUsed,
      requests_remaining: requestsRemaining(this.api.requestsUsed, this.task.request_budget),
      virtual_time_s: this.api.clockMs / 1000,
      score: this.ended?.breakdown.score ?? null,
    };
  }
}
