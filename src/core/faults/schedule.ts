/**
 * The fault schedule: which (page, attempt) slots fault, and how. Scheduled faults depend only on
 * (page, attempt), so reordering requests cannot move them. Each retryable kind (rate_limit, server_error,
 * timeout, drawn in that order with their own salts, never sharing a slot) draws its exact `count`
 * of slots without replacement from pages 1..P (P = pages at the maximum page size) and attempts
 * 1..max_consecutive; each page's faults are then packed onto its first attempts, so an agent that
 * retries a page until it is served meets every one of them, and at most max_consecutive in a row.
 */
import { chooseK, hash } from '../rng.js';
import type { FaultsSpec } from '../task-spec.js';
import { RATE_LIMIT, scheduledRetryAfterS } from './rate-limit.js';
import { SERVER_ERROR } from './server-error.js';
import { TIMEOUT } from './timeout.js';

export type ScheduledFault =
  { kind: typeof RATE_LIMIT; retryAfterS: number } | { kind: typeof SERVER_ERROR } | { kind: typeof TIMEOUT };

/** page -> the faults of its attempts 1..k, in order. */
export type FaultSchedule = ReadonlyMap<number, readonly ScheduledFault[]>;

export function planSchedule(faults: FaultsSpec, pages: number, key: number): FaultSchedule {
  const taken = new Set<number>();
  const picked: Array<{ page: number; attempt: number; fault: ScheduledFault }> = [];
  const kinds = [
    { name: RATE_LIMIT, spec: faults.rate_limit, salt: 71 },
    { name: SERVER_ERROR, spec: faults.server_error, salt: 72 },
    { name: TIMEOUT, spec: faults.timeout, salt: 74 },
  ] as const;
  for (const { name, spec, salt } of kinds) {
    if (spec === undefined) continue;
    const candidates: number[] = [];
    for (let p = 1; p <= pages; p++) {
      for (let a = 1; a <= spec.max_consecutive; a++) {
        const slot = p * 16 + a;
        if (!taken.has(slot)) candidates.push(slot);
      }
    }
    for (const c of chooseK(candidates.length, Math.min(spec.count, candidates.length), key, salt)) {
      const slot = candidates[c]!;
      taken.add(slot);
      const page = slot >> 4;
      const attempt = slot & 15;
      const fault: ScheduledFault =
        name === RATE_LIMIT && faults.rate_limit
          ? {
              kind: RATE_LIMIT,
              retryAfterS: scheduledRetryAfterS(faults.rate_limit.retry_after_s, key, page, attempt),
            }
          : { kind: name === TIMEOUT ? TIMEOUT : SERVER_ERROR };
      picked.push({ page, attempt, fault });
    }
  }
  // Pack each page's faults onto its first attempts, keeping their drawn order (ties broken by hash).
  picked.sort(
    (x, y) => x.page - y.page || x.attempt - y.attempt || hash(key, 73, x.page) - hash(key, 73, y.page),
  );
  const schedule = new Map<number, ScheduledFault[]>();
  for (const { page, fault } of picked) {
    const list = schedule.get(page);
    if (list) list.push(fault);
    else schedule.set(page, [fault]);
  }
  return schedule;
}

export function scheduledFault(
  schedule: FaultSchedule,
  page: number,
  attempt: number,
): ScheduledFault | null {
  return schedule.get(page)?.[attempt - 1] ?? null;
}
