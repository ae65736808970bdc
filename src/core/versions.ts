/** Versions recorded in every reset observation, breakdown and result row. Results of different versions are never mixed. */
export const BENCHMARK_VERSION = '1.0.0';
export const JUDGE_VERSION = '2.0.0';

/** Documented seed splits. */
export const SEED_SPLITS = {
  train: { min: 0, max: 999_999 },
  validation: { min: 1_000_000, max: 1_999_999 },
  test: { min: 2_000_000, max: 4_294_967_295 },
} as const;

export const MAX_SEED = 4_294_967_295;
