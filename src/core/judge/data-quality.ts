/**
 * Data quality = 15 * c * q, q = max(0, 1 - 4d/L) * max(0, 1 - |S - S*| / S*), where L = submitted rows,
 * d = defective ones, S = sum of primaryValue over schema-valid submitted rows (totals and duplicates
 * included) and S* = the same sum over the ground-truth rows whose keys are present. Sums are in cents.
 */
import { correctnessFactor, type DimensionResult, type JudgeInputs, ratio } from './evidence.js';

export const DATA_QUALITY_MAX = 15;

export function dataQuality(inp: JudgeInputs): DimensionResult {
  const c = correctnessFactor(inp);
  const r = inp.rows;
  const defectFactor = Math.max(0, 1 - 4 * ratio(r.defective, r.submitted));
  const sumFactor = Math.max(0, 1 - ratio(Math.abs(r.sumCents - r.truthSumCents), r.truthSumCents));
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
      sum: r.sumCents / 100,
      sum_star: r.truthSumCents / 100,
    },
  };
}
