/**
 * Fault kind `rate_limit` (429) and the rate-limit window.
 *
 * A scheduled 429 sets `window_end = T + 1000 * retry_after_s`. Any request before `window_end` is a
 * *window rejection*: 429 with the remaining wait, which advances no page's attempt counter and is not a
 * fault. Scheduled 429s are placed on (page, attempt) slots by the fault schedule.
 */
import { intIn } from '../rng.js';

export const RATE_LIMIT = 'rate_limit' as const;

/** retry_after_s of the scheduled 429 at (page, attempt): an integer in the task's range. */
export function scheduledRetryAfterS(
  range: { min: number; max: number },
  key: number,
  page: number,
  attempt: number,
): number {
  return intIn(range.min, range.max, key, 41, page, attempt);
}

/** Milliseconds left in the window at clock `t`, or 0 if the request may proceed. */
export function windowRemainingMs(windowEndMs: number, t: number): number {
  return t < windowEndMs ? windowEndMs - t : 0;
}
