/**
 * Correctness = 30 * c, c = exact / (N + foreign). Where present rows may be served in a form that is not
 * exact, the evidence says how many were submitted so: `drifted` (schema drift: rows still in a drifted
 * form) and `stale` (stale records: rows in the previous version of their record), from
 * src/core/judge/analysis.ts.
 */
import { correctnessFactor, type DimensionResult, type JudgeInputs } from './evidence.js';

export const CORRECTNESS_MAX = 30;

export type CorrectnessEvidence = {
  readonly c: number;
  readonly exact: number;
  readonly n: number;
  readonly foreign: number;
  /** Schema-drift tasks only. */
  readonly drifted?: number;
  /** Stale-records tasks only. */
  readonly stale?: number;
};

export function correctness(inp: JudgeInputs): DimensionResult<CorrectnessEvidence> {
  const c = correctnessFactor(inp);
  return {
    points: CORRECTNESS_MAX * c,
    max: CORRECTNESS_MAX,
    evidence: {
      c,
      exact: inp.rows.exact,
      n: inp.n,
      foreign: inp.rows.foreign,
      ...(inp.servedFaults.schemaDrift ? { drifted: inp.rows.drifted } : {}),
      ...(inp.servedFaults.stale ? { stale: inp.rows.stale } : {}),
    },
  };
}
