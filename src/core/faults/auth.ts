/**
 * Fault kind `auth`: access tokens that expire (T11). fetch_page needs the `auth_token` that get_task_info
 * (free) issues. A token issued at virtual time i expires at i + token_ttl_s. get_task_info returns the current
 * token (and its expiry) while the clock is before that expiry, and issues a new one at the current clock once
 * it is not; the reset observation asks too, so the first token is issued at 0.
 *
 * A request made at time t (after its wait) is accepted only if its token outlives the response:
 * t + latency_ms < expiry. Otherwise it gets 401 `token_expired`: counted, a fault, no page attempt (the fault
 * schedule is untouched). Only requests move the clock, and an accepted request leaves it before the expiry,
 * so the clock passes a token's expiry only through the request the token is refused for: one 401 per token is
 * unavoidable, and the skill is to refresh and retry. A missing token, or one this episode never issued, is a
 * tool error (src/core/episode.ts) that costs nothing.
 *
 * A token is a stateless hash of the episode's `auth` stream key (which mixes in SEED_SALT) and its issue
 * time: deterministic, and not derivable from public fields on a salted deployment.
 */
import { hash } from '../rng.js';

export const TOKEN_EXPIRED = 'token_expired' as const;

const hex8 = (x: number): string => x.toString(16).padStart(8, '0');
const TWO32 = 2 ** 32;

/** The token issued at `issuedMs` (an integer number of milliseconds). */
export function tokenText(key: number, issuedMs: number): string {
  const lo = issuedMs % TWO32;
  const hi = Math.floor(issuedMs / TWO32);
  return `tok_${hex8(hash(key, 91, lo, hi))}${hex8(hash(key, 92, lo, hi))}`;
}

/**
 * The issue time of the token get_task_info gives at `clockMs`: the last one issued while it has not expired,
 * else a new one issued now (appended to `issued`, the episode's issue times in order).
 */
export function currentToken(issued: number[], ttlMs: number, clockMs: number): number {
  const last = issued.at(-1);
  if (last !== undefined && clockMs < last + ttlMs) return last;
  issued.push(clockMs);
  return clockMs;
}

/** Whether a request made at `atMs` with the token issued at `issuedMs` is accepted. */
export function tokenAccepted(issuedMs: number, ttlMs: number, atMs: number, latencyMs: number): boolean {
  return atMs + latencyMs < issuedMs + ttlMs;
}

/** The issue time of the token `text`, or null when this episode never issued it. */
export function tokenIssue(key: number, issued: readonly number[], text: string): number | null {
  for (let k = issued.length - 1; k >= 0; k--) if (tokenText(key, issued[k]!) === text) return issued[k]!;
  return null;
}
