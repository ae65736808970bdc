/**
 * Observability = 10 * c * coverage * faithfulness: coverage = matched / trace length, faithfulness =
 * matched / request events in the run log. Fabricated events lower faithfulness; missing ones coverage.
 */
import { correctnessFactor, type DimensionResult, type JudgeInputs, ratio } from './evidence.js';

export const OBSERVABILITY_MAX = 10;

export type ObservabilityEvidence = {
  readonly events: number;
  readonly matched: number;
  readonly trace_length: number;
  readonly coverage: number;
  readonly faithfulness: number;
};

export function observability(inp: JudgeInputs): DimensionResult<ObservabilityEvidence> {
  const c = correctnessFactor(inp);
  const { matchedCount, events } = inp.alignment;
  const coverage = ratio(matchedCount, inp.trace.length);
  const faithfulness = ratio(matchedCount, events);
  return {
    points: OBSERVABILITY_MAX * c * coverage * faithfulness,
    max: OBSERVABILITY_MAX,
    evidence: { events, matched: matchedCount, trace_length: inp.trace.length, coverage, faithfulness },
  };
}
