/**
 * Slots of faults that strike a served response (truncation, stale snapshots): exactly `count` (page, served
 * attempt) slots drawn without replacement from pages 1..`pages` and served attempts 1..`maxConsecutive`,
 * then packed onto each page's first served attempts, so an agent that fetches a page again until it comes
 * right meets every one of them, at most `maxConsecutive` in a row. Like the fault schedule
 * (src/core/faults/schedule.ts), they depend only on (page, served attempt): reordering requests cannot move
 * them.
 */
import { chooseK } from '../rng.js';

/** page -> how many of its first served attempts the fault strikes. */
export type ServedSlots = ReadonlyMap<number, number>;

export function planServedSlots(
  count: number,
  pages: number,
  maxConsecutive: number,
  key: number,
  salt: number,
): ServedSlots {
  const slots = new Map<number, number>();
  const candidates = Math.max(0, pages) * maxConsecutive;
  for (const c of chooseK(candidates, Math.min(count, candidates), key, salt)) {
    const page = 1 + Math.floor(c / maxConsecutive);
    slots.set(page, (slots.get(page) ?? 0) + 1);
  }
  return slots;
}

/** Whether the fault strikes the `servedAttempt`-th serving of `page` (servings count from 1). */
export function strikes(slots: ServedSlots, page: number, servedAttempt: number): boolean {
  return servedAttempt >= 1 && servedAttempt <= (slots.get(page) ?? 0);
}
