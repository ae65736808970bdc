/** Versions recorded in every reset observation, breakdown and result row. Results of different versions are never mixed. */
export const BENCHMARK_VERSION = '1.3.0';
export const JUDGE_VERSION = '2.0.0';

export const MAX_SEED = 4_294_967_295;
