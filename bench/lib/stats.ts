/** Medians and ranges over repeated runs, and percentiles of latency samples. */

export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** How many runs. */
  readonly n: number;
  readonly values: readonly number[];
}

export function summarise(values: readonly number[]): Summary {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, n: 0, values: [] };
  const s = [...v].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0]!, max: s[s.length - 1]!, n: s.length, values: v };
}

/** Nearest-rank percentile (p in 0..100) of unsorted samples; sorts a copy. */
export function percentile(samples: ArrayLike<number>, p: number): number {
  if (samples.length === 0) return Number.NaN;
  const s = Float64Array.from(samples).sort();
  const rank = Math.min(s.length, Math.max(1, Math.ceil((p / 100) * s.length)));
  return s[rank - 1]!;
}

/** Pairs run i of `a` with run i of `b` and summarises a[i] / b[i]. */
export function ratio(a: Summary, b: Summary): Summary {
  const n = Math.min(a.values.length, b.values.length);
  const r: number[] = [];
  for (let i = 0; i < n; i++) r.push(a.values[i]! / b.values[i]!);
  return summarise(r);
}
