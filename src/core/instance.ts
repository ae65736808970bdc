/**
 * A task instance: everything fixed at reset by (task file, profile, seed, salt). Immutable and small
 * (keys, the query, artefact positions and the fault plans): rows are generated on demand.
 */
import { type Country, countryByIso } from './catalogue.js';
import { periodsOf } from './dataset.js';
import { planDuplicates } from './faults/duplicates.js';
import { type EscalationPlan, planEscalation } from './faults/escalation.js';
import type { ArtefactPlan } from './faults/placement.js';
import { type FaultSchedule, planSchedule } from './faults/schedule.js';
import { planSchemaDrift, type SchemaDriftPlan } from './faults/schema-drift.js';
import { planStale, type StalePlan } from './faults/stale.js';
import { planTotals } from './faults/totals.js';
import { planTruncation, type TruncationPlan } from './faults/truncation.js';
import { intIn, streamKey } from './rng.js';
import type { ResolvedTask } from './task-spec.js';

export interface Query {
  readonly reporter: Country;
  readonly partner: Country;
  readonly year: number;
  readonly hsChapter: string;
}

export interface TotalsInfo {
  /** Stream position of this totals row. */
  readonly pos: number;
  /** Inclusive range of real rows it sums. */
  readonly blockStart: number;
  readonly blockEnd: number;
}

export interface Instance {
  readonly task: ResolvedTask;
  readonly seed: number;
  readonly keys: {
    readonly data: number;
    readonly layout: number;
    readonly faults: number;
    readonly drift: number;
    /** Tokens (tasks with auth) and cursors (cursor-paginated tasks); 0 when the task has none. */
    readonly auth: number;
    readonly cursor: number;
  };
  readonly query: Query;
  /** "YYYYMM" of months 1..12 of the query year. */
  readonly periods: readonly string[];
  /** N: distinct real records (ground-truth rows). */
  readonly n: number;
  readonly cmdOffset: number;
  /** Commodity codes by commodity index, filled on first use (a memo of cmdOffset and the chapter). */
  readonly cmdCodes: Array<string | undefined>;
  /** Sorted stream positions of artefacts, and what each is: a real row index (copy) or -(t+1) for totals t. */
  readonly artPos: Int32Array;
  readonly artSrc: Int32Array;
  readonly totals: readonly TotalsInfo[];
  readonly streamLength: number;
  /** Pages at the maximum page size (the fault schedule's page range). */
  readonly maxSizePages: number;
  readonly schedule: FaultSchedule;
  readonly escalation: EscalationPlan | null;
  /** Faults that strike served responses, and the schema drift (null when the task has none). */
  readonly truncation: TruncationPlan | null;
  readonly schemaDrift: SchemaDriftPlan | null;
  readonly stale: StalePlan | null;
}

export function deriveInstance(task: ResolvedTask, seed: number, salt = ''): Instance {
  const key = (stream: string) => streamKey(task.id, seed, stream, salt);
  const keys = {
    data: key('data'),
    layout: key('layout'),
    faults: key('faults'),
    drift: key('drift'),
    auth: task.faults.auth ? key('auth') : 0,
    cursor: task.pagination === 'cursor' ? key('cursor') : 0,
  };
  const q = key('query');
  const pick = <T>(list: readonly T[], salt2: number): T => list[intIn(0, list.length - 1, q, salt2)]!;
  const reporterIso = pick(task.instance.reporters, 1);
  const partnerChoices = task.instance.partners.filter((p) => p !== reporterIso);
  const partnerIso = pick(partnerChoices.length > 0 ? partnerChoices : task.instance.partners, 2);
  const query: Query = {
    reporter: countryByIso(reporterIso)!,
    partner: countryByIso(partnerIso)!,
    year: intIn(task.instance.years.min, task.instance.years.max, q, 3),
    hsChapter: pick(task.instance.hs_chapters, 4),
  };
  const n = intIn(task.rows.min, task.rows.max, q, 5);
  const cmdOffset = intIn(0, 9999, q, 6);

  const plans: ArtefactPlan[] = [];
  if (task.faults.duplicates) plans.push(...planDuplicates(task.faults.duplicates, n, keys.layout));
  if (task.faults.totals) plans.push(...planTotals(task.faults.totals, n, keys.layout));
  plans.sort(
    (a, b) => a.anchor - b.anchor || a.order - b.order || (a.kind === b.kind ? 0 : a.kind === 'dup' ? -1 : 1),
  );

  const artPos = new Int32Array(plans.length);
  const artSrc = new Int32Array(plans.length);
  const totals: TotalsInfo[] = [];
  let blockStart = 0;
  plans.forEach((p, j) => {
    artPos[j] = p.anchor + 1 + j;
    if (p.kind === 'dup') {
      artSrc[j] = p.src;
    } else {
      const t = totals.length;
      artSrc[j] = -(t + 1);
      totals.push({ pos: artPos[j]!, blockStart: p.grand ? 0 : blockStart, blockEnd: p.anchor });
      if (!p.grand) blockStart = p.anchor + 1;
    }
  });
  const streamLength = n + plans.length;
  const maxSizePages = Math.ceil(streamLength / task.max_page_size);
  return {
    task,
    seed,
    keys,
    query,
    periods: periodsOf(query.year),
    n,
    cmdOffset,
    cmdCodes: [],
    artPos,
    artSrc,
    totals,
    streamLength,
    maxSizePages,
    schedule: planSchedule(task.faults, maxSizePages, keys.faults),
    escalation: task.faults.escalation ? planEscalation(task.faults.escalation, keys.faults) : null,
    truncation: task.faults.truncation
      ? planTruncation(task.faults.truncation, maxSizePages, keys.faults)
      : null,
    schemaDrift: task.faults.schema_drift ? planSchemaDrift(task.faults.schema_drift, keys.faults) : null,
    stale: task.faults.stale
      ? planStale(task.faults.stale, maxSizePages, keys.faults, keys.data, query.year)
      : null,
  };
}
