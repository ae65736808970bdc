/** Correctness = 30 * c, c = exact / (N + foreign). */
import { correctnessFactor, type DimensionResult, type JudgeInputs } from './evidence.js';

export const CORRECTNESS_MAX = 30;

export type CorrectnessEvidence = {
  readonly c: number;
  readonly exact: number;
  readonly n: number;
  readonly foreign: number;
};

export function correctness(inp: JudgeInputs): DimensionResult<CorrectnessEvidence> {
  const c = correctnessFactor(inp);
  return {
    points: CORRECTNESS_MAX * c,
    max: CORRECTNESS_MAX,
    evidence: { c, exact: inp.rows.exact, n: inp.n, foreign: inp.rows.foreign },
  };
}
