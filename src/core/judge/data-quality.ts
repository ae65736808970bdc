/**
 * Data quality = 15 * c * q, q = max(0, 1 - 4d/L) * max(0, 1 - E / S*), where L = submitted entries,
 * d = defective ones, S* = the sum of primaryValue over the ground-truth rows whose keys are present, and
 * E, the sum error, = the sum over present schema-valid rows of |primaryValue - its true value| plus the
 * sum over defective entries of the server's own value of their key (src/core/judge/analysis.ts). Every
 * term of E is >= 0 and no defect's term depends on a value the agent wrote, so a defect cannot be hidden
 * by the values of other rows. Sums are in cents.
 */
import { correctnessFactor, type DimensionResult, type JudgeInputs, ratio } from './evidence.js';

export const DATA_QUALITY_MAX = 15;

export type DataQualityEvidence = {
  readonly submitted: number;
  readonly defective: number;
  readonly malformed: number;
  readonly schema_invalid: number;
  readonly duplicates: number;
  readonly totals_kept: number;
  /** E = value_error + defect_value. */
  readonly sum_error: number;
  /** Sum over present schema-valid rows of |primaryValue - its true value|. */
  readonly value_error: number;
  /** Sum over defective entries of the server's value of their key. */
  readonly defect_value: number;
  readonly sum_star: number;
};

export function dataQuality(inp: JudgeInputs): DimensionResult<DataQualityEvidence> {
  const c = correctnessFactor(inp);
  const r = inp.rows;
  const sumErrorCents = r.valueErrorCents + r.defectCents;
  const defectFactor = Math.max(0, 1 - 4 * ratio(r.defective, r.submitted));
  const sumFactor = Math.max(0, 1 - ratio(sumErrorCents, r.truthSumCents));
  return {
    points: DATA_QUALITY_MAX * c * defectFactor * sumFactor,
    max: DATA_QUALITY_MAX,
    evidence: {
      submitted: r.submitted,
      defective: r.defective,
      malformed: r.malformed,
      schema_invalid: r.schemaInvalid,
      duplicates: r.duplicates,
      totals_kept: r.totalsKept,
      sum_error: sumErrorCents / 100,
      value_error: r.valueErrorCents / 100,
      defect_value: r.defectCents / 100,
      sum_star: r.truthSumCents / 100,
    },
  };
}
