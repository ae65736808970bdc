/**
 * Completeness = 15 * present / N. On a task whose responses may be cut short (src/core/faults/truncation.ts)
 * the evidence also gives `truncated`, the responses the trace records as cut: the rows they did not carry
 * were not served by them.
 */
import { type DimensionResult, type JudgeInputs, ratio } from './evidence.js';

export const COMPLETENESS_MAX = 15;

export type CompletenessEvidence = {
  readonly present: number;
  readonly n: number;
  /** Truncation tasks only: 200 responses cut short. */
  readonly truncated?: number;
};

/** The responses of the trace that were cut short. */
export function truncatedResponses(inp: JudgeInputs): number {
  let cut = 0;
  for (const e of inp.trace) if (e.kind === 'truncated') cut += 1;
  return cut;
}

export function completeness(inp: JudgeInputs): DimensionResult<CompletenessEvidence> {
  return {
    points: COMPLETENESS_MAX * ratio(inp.rows.present, inp.n),
    max: COMPLETENESS_MAX,
    evidence: {
      present: inp.rows.present,
      n: inp.n,
      ...(inp.servedFaults.truncation ? { truncated: truncatedResponses(inp) } : {}),
    },
  };
}
