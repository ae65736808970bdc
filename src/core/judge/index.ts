/**
 * The judge: six dimensions scored from the server's own evidence, summed and clamped to [0, 100].
 * Endings without a submission score 0 but still report their evidence and end_reason.
 */
import type { ApiState } from '../api.js';
import type { Instance } from '../instance.js';
import type { Entry } from '../submission.js';
import { JUDGE_VERSION } from '../versions.js';
import { analyseRows } from './analysis.js';
import { type CompletenessEvidence, completeness } from './completeness.js';
import { type CorrectnessEvidence, correctness } from './correctness.js';
import { type DataQualityEvidence, dataQuality } from './data-quality.js';
import { type EfficiencyEvidence, efficiency } from './efficiency.js';
import type { DimensionResult, Evidence, JudgeInputs } from './evidence.js';
import { type ObservabilityEvidence, observability } from './observability.js';
import { type ReferencePlan, referencePlan } from './reference-plan.js';
import { type RobustnessEvidence, robustness } from './robustness.js';
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

/** Each dimension's points, maximum and named evidence. */
export type DimensionResults = {
  readonly correctness: DimensionResult<CorrectnessEvidence>;
  readonly completeness: DimensionResult<CompletenessEvidence>;
  readonly robustness: DimensionResult<RobustnessEvidence>;
  readonly efficiency: DimensionResult<EfficiencyEvidence>;
  readonly data_quality: DimensionResult<DataQualityEvidence>;
  readonly observability: DimensionResult<ObservabilityEvidence>;
};

/** The headline evidence of a breakdown, flat. */
export type HeadlineEvidence = {
  readonly n: number;
  readonly submitted: number;
  readonly present: number;
  readonly exact: number;
  readonly foreign: number;
  readonly duplicates: number;
  readonly totals_kept: number;
  readonly malformed: number;
  readonly schema_invalid: number;
  readonly faults: number;
  readonly recovered: number;
  readonly properly_recovered: number;
  readonly logged: number;
  readonly r: number;
  readonly r_star: number;
  readonly t_s: number;
  readonly t_star_s: number;
  readonly coverage: number;
  readonly faithfulness: number;
  readonly end_reason: EndReason;
  /** Only on tasks with the fault: responses cut short (truncation), drifted rows kept (schema drift), stale rows kept (stale records). */
  readonly truncated?: number;
  readonly drifted?: number;
  readonly stale?: number;
};

export interface Breakdown {
  readonly score: number;
  readonly reward: number;
  readonly end_reason: EndReason;
  readonly judge_version: string;
  readonly dimensions: DimensionResults;
  readonly evidence: HeadlineEvidence;
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
    servedFaults: {
      truncation: inst.truncation !== null,
      schemaDrift: inst.schemaDrift !== null,
      stale: inst.stale !== null,
    },
  };
  const submitted = req.entries !== null;
  const results: DimensionResults = {
    correctness: correctness(inputs),
    completeness: completeness(inputs),
    robustness: robustness(inputs),
    efficiency: efficiency(inputs),
    data_quality: dataQuality(inputs),
    observability: observability(inputs),
  };
  let total = 0;
  // Points as scored: 0 without a submission, never non-finite, rounded to 1e-6.
  const scored = <E extends Evidence>(r: DimensionResult<E>): DimensionResult<E> => {
    const raw = submitted ? r.points : 0;
    const points = Number.isFinite(raw) ? raw : 0;
    total += points;
    return { ...r, points: round6(points) };
  };
  const dimensions: DimensionResults = {
    correctness: scored(results.correctness),
    completeness: scored(results.completeness),
    robustness: scored(results.robustness),
    efficiency: scored(results.efficiency),
    data_quality: scored(results.data_quality),
    observability: scored(results.observability),
  };
  const score = round6(Math.min(100, Math.max(0, total)));
  const rob = results.robustness.evidence;
  const obs = results.observability.evidence;
  const comp = results.completeness.evidence;
  const corr = results.correctness.evidence;
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
      faults: rob.faults,
      recovered: rob.recovered,
      properly_recovered: rob.properly_recovered,
      logged: rob.logged,
      r: inputs.requests,
      r_star: plan.requests,
      t_s: inputs.timeMs / 1000,
      t_star_s: plan.timeMs / 1000,
      coverage: obs.coverage,
      faithfulness: obs.faithfulness,
      end_reason: req.endReason,
      ...(comp.truncated !== undefined ? { truncated: comp.truncated } : {}),
      ...(corr.drifted !== undefined ? { drifted: corr.drifted } : {}),
      ...(corr.stale !== undefined ? { stale: corr.stale } : {}),
    },
  };
}
