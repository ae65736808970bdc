/** Shared judge inputs, and the ratio rule: any ratio with a zero denominator is 0. */
import type { TraceEntry } from '../api.js';
import type { RowAnalysis } from './analysis.js';
import type { ReferencePlan } from './reference-plan.js';
import type { Alignment } from './run-log.js';

export interface JudgeInputs {
  readonly n: number;
  readonly rows: RowAnalysis;
  readonly trace: readonly TraceEntry[];
  readonly alignment: Alignment;
  readonly plan: ReferencePlan;
  /** Counted requests (R) and the clock at the end (T, ms). */
  readonly requests: number;
  readonly timeMs: number;
  /** The faults of the task that strike served data: their evidence is reported only on such tasks. */
  readonly servedFaults: ServedFaults;
}

export interface ServedFaults {
  readonly truncation: boolean;
  readonly schemaDrift: boolean;
  readonly stale: boolean;
}

export function ratio(num: number, den: number): number {
  return den === 0 ? 0 : num / den;
}

/** c = exact / (N + foreign): the factor every dimension but completeness is scaled by. */
export function correctnessFactor(inp: JudgeInputs): number {
  return ratio(inp.rows.exact, inp.n + inp.rows.foreign);
}

/** A dimension's evidence: named values (each dimension declares its own type). */
export type Evidence = Readonly<Record<string, number | string | boolean>>;

export interface DimensionResult<E extends Evidence = Evidence> {
  readonly points: number;
  readonly max: number;
  readonly evidence: E;
}
