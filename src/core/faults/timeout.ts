/**
 * Fault kind `timeout` (504 `gateway_timeout`, T14): a scheduled (page, attempt) slot (src/core/faults/schedule.ts)
 * whose request fails after consuming `timeout_s` of virtual time instead of latency_ms. Retrying the same page
 * at once succeeds once the page's run of faults (at most `max_consecutive`) has passed; waiting first only
 * adds time, which the time term of efficiency counts.
 */
export const TIMEOUT = 'timeout' as const;
