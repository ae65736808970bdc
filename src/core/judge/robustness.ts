/**
 * Robustness = 15 * c * (1 if no fault occurred, else 0.7 * properly_recovered / faults + 0.3 * logged / faults).
 * Faults are the trace kinds of FAULT_KINDS (src/core/api.ts): scheduled or escalated 429s, 500s and 504s,
 * 401 token_expired and 410 cursor_expired (window rejections and 402s are not). A fault on page p (on a
 * cursor task, the page of its cursor's position) is recovered if a later request for p returned 200;
 * properly, if for a 429 no request at all was made before its window ended. Logged: its trace entry was
 * matched by the run-log alignment.
 */
import { FAULT_KINDS } from '../api.js';
import { correctnessFactor, type DimensionResult, type JudgeInputs, ratio } from './evidence.js';

export const ROBUSTNESS_MAX = 15;

export function faultEvidence(inp: JudgeInputs): {
  faults: number;
  recovered: number;
  properly: number;
  logged: number;
} {
  const { trace, alignment } = inp;
  const last200 = new Map<number, number>();
  trace.forEach((e, i) => {
    if (e.status === 200) last200.set(e.page, i);
  });
  let faults = 0;
  let recovered = 0;
  let properly = 0;
  let logged = 0;
  trace.forEach((e, i) => {
    if (!FAULT_KINDS.has(e.kind)) return;
    faults += 1;
    if (alignment.matched[i] === 1) logged += 1;
    if ((last200.get(e.page) ?? -1) <= i) return;
    recovered += 1;
    const next = trace[i + 1];
    if (e.kind !== 'rate_limit' || next === undefined || next.atMs >= e.atMs + e.retryAfterMs) properly += 1;
  });
  return { faults, recovered, properly, logged };
}

export type RobustnessEvidence = {
  readonly faults: number;
  readonly recovered: number;
  readonly properly_recovered: number;
  readonly logged: number;
};

export function robustness(inp: JudgeInputs): DimensionResult<RobustnessEvidence> {
  const c = correctnessFactor(inp);
  const f = faultEvidence(inp);
  const factor = f.faults === 0 ? 1 : 0.7 * ratio(f.properly, f.faults) + 0.3 * ratio(f.logged, f.faults);
  return {
    points: ROBUSTNESS_MAX * c * factor,
    max: ROBUSTNESS_MAX,
    evidence: {
      faults: f.faults,
      recovered: f.recovered,
      properly_recovered: f.properly,
      logged: f.logged,
    },
  };
}
