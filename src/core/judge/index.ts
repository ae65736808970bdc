/**
 * The judge: six dimensions scored from the server's own evidence, summed and clamped to [0, 100].
 * Endings without a submission score 0 but still report their evidence and end_reason.
 */
import type { ApiState } from '../api.js';
import type { Instance } from '../instance.js';
import type { Entry } from '../submission.js';
import { JUDGE_VERSION } from '../versions.js';
import { analyseRows } from './analysis.js';
import { completeness } from './completeness.js';
import { correctness } from './correctness.js';
import { dataQuality } from './data-quality.js';
import { efficiency } from './efficiency.js';
import type { DimensionResult, JudgeInputs } from './evidence.js';
import { observability } from './observability.js';
import { type ReferencePlan, referencePlan } from './reference-plan.js';
import { robustness } from './robustness.js';
import { alignRunLog, parseRunLog } from './run-log.js';

export const DIMENSIONS = [
  'correctness',
  'completeness',
  'robustness',
  'efficiency',
  'data_quality',
  'observability',
] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export type EndReason = 'submitted' | 'step_limit' | 'closed' | 'idle_timeout';

export interface Breakdown {
  readonly score: number;
  readonly reward: number;
  readonly end_reason: EndReason;
  readonly judge_version: string;
  readonly dimensions: Record<Dimension, DimensionResult>;
  /** The headline evidence, flat. */
  readonly evidence: Readonly<Record<string, number | string>>;
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

export interface JudgeRequest {
  readonly inst: Instance;
  readonly api: ApiState;
  /** null: the episode ended without a submission. */
  readonly entries: readonly Entry[] | null;
  readonly runLog: string | readonly unknown[] | undefined;
  readonly endReason: EndReason;
  /** R* and T*; computed from the instance when not given. */
  readonly plan?: ReferencePlan;
}

export function judge(req: JudgeRequest): Breakdown {
  const { inst, api } = req;
  const plan = req.plan ?? referencePlan(inst);
  const inputs: JudgeInputs = {
    n: inst.n,
    rows: analyseRows(inst, api, req.entries ?? []),
    trace: api.trace,
    alignment: alignRunLog(parseRunLog(req.runLog), api.trace),
    plan,
    requests: api.requestsUsed,
    timeMs: api.clockMs,
  };
  const submitted = req.entries !== null;
  const results: Record<Dimension, DimensionResult> = {
    correctness: correctness(inputs),
    completeness: completeness(inputs),
    robustness: robustness(inputs),
    efficiency: efficiency(inputs),
    data_quality: dataQuality(inputs),
    observability: observability(inputs),
  };
  let total = 0;
  const dimensions = {} as Record<Dimension, DimensionResult>;
  for (const d of DIMENSIONS) {
    const raw = submitted ? results[d].points : 0;
    const points = Number.isFinite(raw) ? raw : 0;
    total += points;
    dimensions[d] = { ...results[d], points: round6(points) };
  }
  const score = round6(Math.min(100, Math.max(0, total)));
  const ev = (d: Dimension) => results[d].evidence;
  return {
    score,
    reward: round6(score / 100),
    end_reason: req.endReason,
    judge_version: JUDGE_VERSION,
    dimensions,
    evidence: {
      n: inst.n,
      submitted: inputs.rows.submitted,
      present: inputs.rows.present,
      exact: inputs.rows.exact,
      foreign: inputs.rows.foreign,
      duplicates: inputs.rows.duplicates,
      totals_kept: inputs.rows.totalsKept,
      malformed: inputs.rows.malformed,
      schema_invalid: inputs.rows.schemaInvalid,
      faults: ev('robustness').faults as number,
      recovered: ev('robustness').recovered as number,
      properly_recovered: ev('robustness').properly_recovered as number,
      logged: ev('robustness').logged as number,
      r: inputs.requests,
      r_star: plan.requests,
      t_s: inputs.timeMs / 1000,
      t_star_s: plan.timeMs / 1000,
      coverage: ev('observability').coverage as number,
      faithfulness: ev('observability').faithfulness as number,
      end_reason: req.endReason,
    },
  };
}
