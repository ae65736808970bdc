/**
 * An episode: one task instance, its API state (budget, virtual clock, trace), the step limit, and the
 * three tools. Pure and synchronous; transports reach it through runTool.
 */
import { ApiState, requestPage, totalPages } from './api.js';
import { PRIMARY_KEY, ROW_SCHEMA, RowWriter } from './dataset.js';
import { type DirectValue, type Hole, isDirectValue, JsonTemplate, LazyValue } from './direct-value.js';
import { BenchError } from './errors.js';
import { requestsRemaining } from './faults/budget.js';
import { deriveInstance, type Instance } from './instance.js';
import { type Breakdown, type EndReason, judge } from './judge/index.js';
import type { ReferencePlan } from './judge/reference-plan.js';
import { ServedPage } from './served-page.js';
import { checkEnvelope, pageOrderOf, type SubmissionArgs, submissionEntries } from './submission.js';
import type { ResolvedTask } from './task-spec.js';
import { FORMATS, RULES, TOOL_BY_NAME } from './tools.js';
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
  /** taskInfoTemplate(task), when the caller keeps one per task; made on first use otherwise. */
  readonly infoTemplate?: JsonTemplate | null;
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

export interface CallResult {
  readonly outcome: ToolOutcome;
  readonly done: boolean;
  /** score / 100 when this call ended the episode, else null. */
  readonly reward: number | null;
}

/** How many fields of get_task_info are the episode's (Episode.infoHoles): fixed ones, then counters. */
const INFO_HOLES = 13;
const EPISODE_HOLES = 9;

/**
 * get_task_info's JSON template for a task: its fixed text serialised once, with holes for the episode's
 * fields and counters. A pure function of the task; callers that run many episodes of a task may compute
 * it once and pass it to each (EpisodeOptions.infoTemplate).
 */
export function taskInfoTemplate(task: ResolvedTask): JsonTemplate | null {
  return JsonTemplate.of(
    (hole) =>
      taskInfoOf(
        task,
        Array.from({ length: INFO_HOLES }, (_, k) => hole(k)),
      ),
    INFO_HOLES,
  );
}

/** get_task_info's value: the task's fields, with the episode's fields and counters (infoHoles) in `h`. */
function taskInfoOf(t: ResolvedTask, h: readonly unknown[]): Record<string, unknown> {
  return {
    task_id: t.id,
    episode_id: h[0],
    seed: h[1],
    profile: t.profile,
    benchmark_version: BENCHMARK_VERSION,
    judge_version: JUDGE_VERSION,
    task_hash: t.task_hash,
    seed_salt_hash: h[2],
    title: t.title,
    challenge: t.challenge,
    description: t.description,
    instructions: t.instructions,
    query: {
      reporterCode: h[3],
      reporterISO: h[4],
      partnerCode: h[5],
      partnerISO: h[6],
      year: h[7],
      hs_chapter: h[8],
      freqCode: 'M',
      flowCodes: ['M', 'X'],
    },
    primary_key: [...PRIMARY_KEY],
    row_schema: ROW_SCHEMA.map((f) => ({ name: f.name, type: f.type })),
    constraints: {
      request_budget: t.request_budget,
      requests_used: h[9],
      requests_remaining: h[10],
      default_page_size: t.default_page_size,
      max_page_size: t.max_page_size,
      page_size_locked: h[11],
      latency_ms: t.latency_ms,
      max_wait_s: t.max_wait_s,
      max_steps: t.max_steps,
      steps_used: h[12],
      max_submission_bytes: t.max_submission_bytes,
    },
    rules: RULES,
    formats: FORMATS,
  };
}

export class Episode {
  readonly inst: Instance;
  readonly episodeId: string;
  readonly api = new ApiState();
  private readonly saltHash: string | null;
  private readonly plan: ReferencePlan | undefined;
  /**
   * get_task_info: the task's template (undefined until needed), the calls so far, and from the second
   * call the template with this episode's fixed fields filled.
   */
  private taskTemplate: JsonTemplate | null | undefined;
  private infoCalls = 0;
  private infoTemplate: JsonTemplate | undefined;
  /** Writes served rows as JSON text (made on the first page served over a transport). */
  private rowWriter: RowWriter | undefined;
  stepCount = 0;
  private ended: { reason: EndReason; breakdown: Breakdown } | null = null;

  constructor(opts: EpisodeOptions) {
    this.inst = deriveInstance(opts.task, opts.seed, opts.salt ?? '');
    this.episodeId = opts.episodeId;
    this.saltHash = opts.saltHash ?? null;
    this.plan = opts.plan;
    this.taskTemplate = opts.infoTemplate;
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

  /** get_task_info's value now. */
  taskInfo(): Record<string, unknown> {
    return taskInfoOf(this.task, this.infoHoles());
  }

  /**
   * get_task_info's value, written from the task's template with this episode's fields filled in when a
   * transport asks for its text. From the second call on, the episode keeps the template with its own
   * fields filled (only the counters change between calls).
   */
  taskInfoValue(): DirectValue {
    const holes = this.infoHoles();
    const build = () => taskInfoOf(this.task, holes);
    const own = this.infoTemplate;
    if (own !== undefined) {
      const counters = holes.slice(EPISODE_HOLES);
      return new LazyValue(
        build,
        () => own.fill(counters),
        () => own.fillEscaped(counters),
      );
    }
    this.infoCalls += 1;
    const calls = this.infoCalls;
    const template = (): JsonTemplate | null => {
      if (this.taskTemplate === undefined) this.taskTemplate = taskInfoTemplate(this.task);
      const t = this.taskTemplate;
      if (t !== null && calls >= 2) this.infoTemplate ??= t.prefill(holes.slice(0, EPISODE_HOLES));
      return t;
    };
    return new LazyValue(
      build,
      () => template()?.fill(holes) ?? JSON.stringify(build()),
      () => template()?.fillEscaped(holes) ?? JSON.stringify(JSON.stringify(build())),
    );
  }

  /** The fields of get_task_info that are not the task's, in serialisation order. */
  private infoHoles(): Hole[] {
    const api = this.api;
    const q = this.inst.query;
    return [
      this.episodeId,
      this.inst.seed,
      this.saltHash,
      q.reporter.code,
      q.reporter.iso,
      q.partner.code,
      q.partner.iso,
      q.year,
      q.hsChapter,
      api.requestsUsed,
      requestsRemaining(api.requestsUsed, this.task.request_budget),
      api.pageSize,
      this.stepCount,
    ];
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

  fetch(
    page: number,
    pageSize: number | undefined,
    waitS: number | undefined,
  ): Record<string, unknown> | DirectValue {
    const t = this.task;
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
    this.api.pageSize = size;
    const e = requestPage(this.inst, this.api, page, size, Math.round((waitS ?? 0) * 1000));
    const common = {
      requests_remaining: requestsRemaining(this.api.requestsUsed, t.request_budget),
      virtual_time_s: this.api.clockMs / 1000,
    };
    switch (e.status) {
      case 200:
        return new ServedPage(
          this.inst,
          () => (this.rowWriter ??= new RowWriter(this.inst)),
          e,
          pageOrderOf(this.inst, e),
          {
            page,
            pageSize: size,
            totalPages: totalPages(this.inst, size),
            requestsRemaining: common.requests_remaining,
            virtualTimeS: common.virtual_time_s,
          },
        );
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
