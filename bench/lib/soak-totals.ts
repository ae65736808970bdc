/** The running totals each soak client reports (bench/workers/soak-sessions.ts), and their sum (bench/soak.ts). */

export interface Counts {
  episodes: number;
  errors: number;
  reaped: number;
  reconnects: number;
  rows: number;
  slowest_handshake_ms: number;
  client_lag_p99_ms: number;
  client_lag_max_ms: number;
}

export interface Totals extends Counts {
  first_errors: string[];
  error_kinds: Record<string, number>;
}

export const zeroCounts = (): Counts => ({
  episodes: 0,
  errors: 0,
  reaped: 0,
  reconnects: 0,
  rows: 0,
  slowest_handshake_ms: 0,
  client_lag_p99_ms: 0,
  client_lag_max_ms: 0,
});

/** Counts add up; the slowest handshake and the client delays are the worst client's. */
export function sumTotals(workers: readonly (Totals | undefined)[]): Totals {
  const t: Totals = { ...zeroCounts(), first_errors: [], error_kinds: {} };
  for (const w of workers) {
    if (w === undefined) continue;
    t.episodes += w.episodes;
    t.errors += w.errors;
    t.reaped += w.reaped;
    t.reconnects += w.reconnects;
    t.rows += w.rows;
    t.slowest_handshake_ms = Math.max(t.slowest_handshake_ms, w.slowest_handshake_ms);
    t.client_lag_p99_ms = Math.max(t.client_lag_p99_ms, w.client_lag_p99_ms);
    t.client_lag_max_ms = Math.max(t.client_lag_max_ms, w.client_lag_max_ms);
    t.first_errors.push(...w.first_errors);
    for (const [k, n] of Object.entries(w.error_kinds)) t.error_kinds[k] = (t.error_kinds[k] ?? 0) + n;
  }
  return t;
}
