/**
 * Fault kind `stale` (T15): records change, and some responses come from a lagging snapshot that serves
 * older versions of some of them.
 *
 * The kind adds two fields to the task's row schema (VERSION_FIELDS): `version` (an integer, higher is
 * newer) and `updated_at` (when that version was written, "YYYY-MM-DDTHH:MM:SSZ"). The data is current as of
 * a seeded time A (early in the year after the query year). Record i's current version v_i (2..6) was
 * written lag_i seconds before A (lag_i in 1..LAG_WINDOW_S); its previous version v_i − 1, with another
 * primaryValue (80–98 % of the current one), was written a further gap_i seconds earlier (gap_i in
 * LAG_WINDOW_S..2·LAG_WINDOW_S), so before any snapshot.
 *
 * Exactly `count` (page, served attempt) slots of pages 1..P (P = pages at the maximum page size) are
 * served from a lagging snapshot, packed onto each page's first servings (src/core/faults/slots.ts). A
 * lagging snapshot lags x seconds (x / LAG_WINDOW_S a seeded share in [share.min, share.max]): it serves
 * every record updated in the last x seconds (lag_i < x) in its previous version. Every 200 of such a task
 * carries `as_of`, the time of the snapshot that served it: A, or A − x for a lagging one. Fetching the page
 * again serves it current once its run of lagging servings has passed. The ground truth is the current
 * version; a row_id resolves to the version it served (src/core/response-rows.ts).
 */
import type { z } from 'zod';
import { isoTime, utcSeconds } from '../calendar.js';
import { hash, intIn, unit } from '../rng.js';
import type { StaleSpec } from '../task-spec.js';
import { planServedSlots, type ServedSlots, strikes } from './slots.js';

type Stale = z.infer<typeof StaleSpec>;

/** The fields the kind adds to the row schema, after the others. */
export const VERSION_FIELDS = [
  { name: 'version', type: 'integer', minimum: 1 },
  { name: 'updated_at', type: 'string' },
] as const;

/** How long before the data's time A a record's current version may have been written, in seconds. */
export const LAG_WINDOW_S = 30 * 86_400;
const MIN_VERSION = 2;
const MAX_VERSION = 6;

export interface StalePlan {
  readonly spec: Stale;
  readonly key: number;
  readonly slots: ServedSlots;
  /** A: the time the data is current as of, in seconds since 1970. */
  readonly asOfS: number;
}

/** `dataKey` seeds A (with the records' versions); `faultsKey` the lagging slots and lags. */
export function planStale(
  spec: Stale,
  maxSizePages: number,
  faultsKey: number,
  dataKey: number,
  queryYear: number,
): StalePlan {
  // A: a second of the first 60 days of the year after the query year.
  const asOfS = utcSeconds(queryYear + 1, 1, 1) + intIn(0, 60 * 86_400 - 1, dataKey, 85);
  return {
    spec,
    key: faultsKey,
    slots: planServedSlots(spec.count, maxSizePages, spec.max_consecutive, faultsKey, 95),
    asOfS,
  };
}

/** How many seconds the snapshot serving the `servedAttempt`-th serving of `page` lags (0: current). */
export function snapshotLagS(plan: StalePlan, page: number, servedAttempt: number): number {
  if (!strikes(plan.slots, page, servedAttempt)) return 0;
  const { min, max } = plan.spec.share;
  return Math.round((min + (max - min) * unit(plan.key, 96, page, servedAttempt)) * LAG_WINDOW_S);
}

/** A record's version as some snapshot serves it. */
export interface RecordVersion {
  readonly version: number;
  readonly updatedAt: string;
  /** primaryValue in cents. */
  readonly cents: number;
}

/** The current version of real row i whose current primaryValue is `cents`. */
export function currentVersion(plan: StalePlan, dataKey: number, i: number, cents: number): RecordVersion {
  return {
    version: MIN_VERSION + (hash(dataKey, 81, i) % (MAX_VERSION - MIN_VERSION + 1)),
    updatedAt: isoTime(plan.asOfS - lagS(dataKey, i)),
    cents,
  };
}

/** The previous version of real row i (whose current primaryValue is `cents`). */
export function previousVersion(plan: StalePlan, dataKey: number, i: number, cents: number): RecordVersion {
  const current = currentVersion(plan, dataKey, i, cents);
  const gapS = LAG_WINDOW_S + (hash(dataKey, 83, i) % (LAG_WINDOW_S + 1));
  return {
    version: current.version - 1,
    updatedAt: isoTime(plan.asOfS - lagS(dataKey, i) - gapS),
    cents: Math.round(cents * (0.8 + 0.18 * unit(dataKey, 84, i))),
  };
}

/** Real row i as a snapshot lagging `snapshotLag` seconds serves it. */
export function servedVersion(
  plan: StalePlan,
  dataKey: number,
  i: number,
  cents: number,
  snapshotLag: number,
): RecordVersion {
  return snapshotLag > lagS(dataKey, i)
    ? previousVersion(plan, dataKey, i, cents)
    : currentVersion(plan, dataKey, i, cents);
}

/** A totals row (a sum, not a record) has version 1, written at A. */
export function totalsVersion(plan: StalePlan, cents: number): RecordVersion {
  return { version: 1, updatedAt: isoTime(plan.asOfS), cents };
}

/** The `as_of` of a response served by a snapshot lagging `snapshotLag` seconds. */
export function asOfText(plan: StalePlan, snapshotLag: number): string {
  return isoTime(plan.asOfS - snapshotLag);
}

/** Seconds before A that real row i's current version was written: 1..LAG_WINDOW_S. */
const lagS = (dataKey: number, i: number): number => 1 + (hash(dataKey, 82, i) % LAG_WINDOW_S);
