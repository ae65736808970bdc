/** Completeness = 15 * present / N. */
import { type DimensionResult, type JudgeInputs, ratio } from './evidence.js';

export const COMPLETENESS_MAX = 15;

export type CompletenessEvidence = { readonly present: number; readonly n: number };

export function completeness(inp: JudgeInputs): DimensionResult<CompletenessEvidence> {
  return {
    points: COMPLETENESS_MAX * ratio(inp.rows.present, inp.n),
    max: COMPLETENESS_MAX,
    evidence: { present: inp.rows.present, n: inp.n },
  };
}
