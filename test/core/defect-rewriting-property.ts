/**
 * A flaw costs what it costs, whatever values the agent writes (docs/benchmark.md, data quality).
 *
 * keep-totals submits the served totals rows and no-dedup the repeated rows; the judge counts those rows as
 * defects. Here an adversary with full knowledge takes each persona's submission on every seed and rewrites
 * the values: the defect rows zeroed, negated, scaled (a grid of factors), set so that their sum cancels
 * exactly, or set to 1e15; the compensation moved into present rows (one row absorbs it, or it is spread
 * over all of them); extra compensating rows appended (a duplicate-key row, a totals-key row, a foreign row)
 * whose value is searched for the best score (a grid around the exact cancellation, then a golden-section
 * search); and the exact cancellation sent as data_jsonl. Every rewriting must lose at least what the
 * persona itself loses, and at least the persona's threshold (5 points) wherever it submits a defect.
 *
 * Variants are scored by the judge on the persona's own episode state (the episode is replayed call by call
 * up to the submission); the persona's own submission and the data_jsonl variant go through
 * Episode.runTool('submit_results') and must agree with it. Each seed judges about 80 variants of up to
 * ~1,700 rows, so the two personas are in two test files that run in parallel.
 */
import { describe, expect, it } from 'vitest';
import { judge } from '../../src/core/judge/index.js';
import { referencePlan } from '../../src/core/judge/reference-plan.js';
import type { TaskSpec } from '../../src/core/task-spec.js';
import { catalog, keyOf, okValue, PROFILES, replay, run, SEEDS, servedPages, TASK_IDS } from './helpers.js';

type Row = Record<string, unknown>;
type Rewrite = (rows: readonly Row[], defects: readonly number[]) => Row[];

const THRESHOLD = 5;

export interface Flaw {
  readonly persona: string;
  /** The tasks whose fault produces this persona's defect. */
  readonly applies: (spec: TaskSpec) => boolean;
  /** Positions of the defect rows in the persona's submission. */
  readonly defects: (rows: readonly Row[]) => number[];
}

export const KEEP_TOTALS: Flaw = {
  persona: 'keep-totals',
  applies: (t) => t.faults.totals !== undefined,
  defects: (rows) => rows.flatMap((r, i) => (r.is_total === true ? [i] : [])),
};

export const NO_DEDUP: Flaw = {
  persona: 'no-dedup',
  // Duplicates are served by the duplicates fault, and by drift when a page is fetched again.
  applies: (t) => t.faults.duplicates !== undefined || t.faults.drift !== undefined,
  defects: (rows) => {
    const seen = new Set<string>();
    return rows.flatMap((r, i) => {
      const k = keyOf(r);
      if (seen.has(k)) return [i];
      seen.add(k);
      return [];
    });
  },
};

const cents = (v: unknown) => Math.round((v as number) * 100);
const withValue = (r: Row, v: number): Row => ({ ...r, primaryValue: v });

/** The rows with the values at `at` replaced by `value(old, position in at)`. */
function setValues(
  rows: readonly Row[],
  at: readonly number[],
  value: (old: number, k: number) => number,
): Row[] {
  const out = [...rows];
  at.forEach((i, k) => {
    out[i] = withValue(rows[i]!, value(rows[i]!.primaryValue as number, k));
  });
  return out;
}

/** Minimises f over [a, b] by golden-section search (f is unimodal in x for a sum error |S + x - S*|). */
function goldenMin(f: (x: number) => number, a: number, b: number, steps: number): number {
  const g = (Math.sqrt(5) - 1) / 2;
  let lo = a;
  let hi = b;
  let best = Math.min(f(lo), f(hi));
  for (let s = 0; s < steps; s++) {
    const x1 = hi - g * (hi - lo);
    const x2 = lo + g * (hi - lo);
    const f1 = f(x1);
    const f2 = f(x2);
    best = Math.min(best, f1, f2);
    if (f1 <= f2) hi = x2;
    else lo = x1;
  }
  return best;
}

const CANCELLED = 'defect sum cancelled exactly';

function rewrites(defectSum: number): Array<[string, Rewrite]> {
  return [
    ['zeroed', (rows, d) => setValues(rows, d, () => 0)],
    ['negated', (rows, d) => setValues(rows, d, (v) => -v)],
    ...[-2, -0.5, 0.5, 2, 10].map((s): [string, Rewrite] => [
      `scaled by ${s}`,
      (rows, d) => setValues(rows, d, (v) => v * s),
    ]),
    [CANCELLED, (rows, d) => setValues(rows, d, (v, k) => (k === 0 ? -(defectSum - v) : v))],
    ['defects at 1e15', (rows, d) => setValues(rows, d, () => 1e15)],
    [
      'one present row absorbs the defect sum',
      (rows, d) => {
        const present = rows.findIndex((_, i) => !d.includes(i));
        return setValues(rows, [present], (v) => v - defectSum);
      },
    ],
    [
      'the defect sum spread over every present row',
      (rows, d) => {
        const present = rows.flatMap((_, i) => (d.includes(i) ? [] : [i]));
        const share = defectSum / present.length;
        return setValues(rows, present, (v) => v - share);
      },
    ],
  ];
}

/** Extra compensating rows: what is appended, given its value. */
function extraRows(rows: readonly Row[], defects: readonly number[], served: readonly Row[]) {
  const present = rows.find((_, i) => !defects.includes(i))!;
  const totals = served.find((r) => r.is_total === true);
  const out: Array<[string, (x: number) => Row]> = [
    ['an extra duplicate-key row', (x) => withValue(present, x)],
    [
      'an extra foreign row',
      (x) => ({ ...withValue(present, x), partnerCode: (present.partnerCode as number) + 1 }),
    ],
  ];
  if (totals !== undefined) {
    const { row_id: _id, ...fields } = totals;
    out.push(['an extra totals-key row', (x) => withValue(fields, x)]);
  }
  return out;
}

export function rewritingNeverHides(flaw: Flaw): void {
  describe(`rewriting the values of ${flaw.persona}'s defect rows never hides the flaw`, () => {
    for (const profile of PROFILES) {
      for (const taskId of TASK_IDS.filter((id) => flaw.applies(catalog.get(id)!.spec))) {
        it(`${flaw.persona} on ${taskId} (${profile}): every rewriting loses >= max(persona's loss, ${THRESHOLD})`, async () => {
          let withDefects = 0;
          for (const seed of SEEDS) {
            const where = `${flaw.persona} ${taskId} ${profile} seed ${seed}`;
            const ref = await run('reference', taskId, seed, profile);
            const persona = await run(flaw.persona, taskId, seed, profile);
            const submit = persona.calls.find((c) => c.name === 'submit_results')!;
            const rows = submit.args.rows as Row[];
            const runLog = submit.args.run_log as string | unknown[] | undefined;
            const defects = flaw.defects(rows);
            if (defects.length === 0) continue;
            withDefects += 1;

            const ep = replay(taskId, profile, seed, persona.calls);
            const plan = referencePlan(ep.inst);
            const loss = (entries: readonly unknown[]) =>
              ref.result.score -
              judge({ inst: ep.inst, api: ep.api, entries, runLog, endReason: 'submitted', plan }).score;
            const personaLoss = ref.result.score - persona.result.score;
            // The judge on the replayed state scores the persona's own submission as its episode did.
            expect(loss(rows), where).toBeCloseTo(personaLoss, 9);
            expect(personaLoss, where).toBeGreaterThanOrEqual(THRESHOLD);
            const floor = Math.max(personaLoss, THRESHOLD) - 1e-6;

            const served = servedPages(persona.calls).flatMap((p) => p.rows as Row[]);
            const defectSum = defects.reduce((a, i) => a + cents(rows[i]!.primaryValue), 0) / 100;
            for (const [name, rewrite] of rewrites(defectSum)) {
              expect(loss(rewrite(rows, defects)), `${where}: ${name}`).toBeGreaterThanOrEqual(floor);
            }
            for (const [name, extra] of extraRows(rows, defects, served)) {
              const lossWith = (x: number) => loss([...rows, extra(x)]);
              // A grid around the value that cancels the defect sum exactly, then a search between.
              const grid = [0, 0.5, 1, 1.01, 2].map((s) => lossWith(-s * defectSum));
              const best = Math.min(...grid, goldenMin(lossWith, -2 * defectSum, defectSum, 8));
              expect(best, `${where}: ${name}, best value`).toBeGreaterThanOrEqual(floor);
            }

            // The exact cancellation as data_jsonl, through the episode's own submission.
            const cancelled = rewrites(defectSum).find(([n]) => n === CANCELLED)![1](rows, defects);
            const jsonl = replay(taskId, profile, seed, persona.calls);
            const r = okValue(
              jsonl.runTool('submit_results', {
                data_jsonl: cancelled.map((x) => JSON.stringify(x)).join('\n'),
                run_log: runLog,
              }),
            );
            const jsonlLoss = ref.result.score - (r.breakdown as { score: number }).score;
            expect(jsonlLoss, `${where}: data_jsonl`).toBeCloseTo(loss(cancelled), 9);
            expect(jsonlLoss, `${where}: data_jsonl`).toBeGreaterThanOrEqual(floor);
          }
          expect(withDefects, `${flaw.persona} ${taskId} ${profile}: seeds with a defect`).toBeGreaterThan(0);
        });
      }
    }
  });
}
