/** Efficiency = 15 * c * (0.7 * min(1, R* / R) + 0.3 * min(1, T* / T)); R = 0 gives 0. */
import { correctnessFactor, type DimensionResult, type JudgeInputs, ratio } from './evidence.js';

export const EFFICIENCY_MAX = 15;

export type EfficiencyEvidence = {
  readonly r: number;
  readonly r_star: number;
  readonly t_s: number;
  readonly t_star_s: number;
};

export function efficiency(inp: JudgeInputs): DimensionResult<EfficiencyEvidence> {
  const c = correctnessFactor(inp);
  const r = inp.requests;
  const rStar = inp.plan.requests;
  const factor =
    r === 0 ? 0 : 0.7 * Math.min(1, ratio(rStar, r)) + 0.3 * Math.min(1, ratio(inp.plan.timeMs, inp.timeMs));
  return {
    points: EFFICIENCY_MAX * c * factor,
    max: EFFICIENCY_MAX,
    evidence: { r, r_star: rStar, t_s: inp.timeMs / 1000, t_star_s: inp.plan.timeMs / 1000 },
  };
}
