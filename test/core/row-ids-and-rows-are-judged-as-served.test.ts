/**
 * The served-data faults (docs/benchmark.md, section 5: truncation, schema drift, stale records) are judged
 * from what each response served, on every profile and seed:
 * - a row_id resolves to its row exactly as the response served it (a drifted row in its drifted form, a
 *   lagging snapshot's row in its older version), and on T1–T10 exactly as it always did: streamRow of the
 *   position, byte for byte;
 * - T12: the rows a cut response did not carry were not served: submitting them counts them foreign;
 * - T13: drifted rows submitted as served (rows or row_ids) are schema-invalid, counted `drifted`; the same
 *   rows brought into row_schema are exact;
 * - T15: a row in an older version is present but not exact (counted `stale`), its row_id too; exactness
 *   includes version and updated_at, which the task's row schema adds (and only its schema);
 * - get_task_info states each fault's rule on its own task only, and fetch_page adds row_count (T12) and
 *   as_of (T15) on those tasks only.
 */
import { describe, expect, it } from 'vitest';
import { ROW_SCHEMA, streamRow, truthRow } from '../../src/core/dataset.js';
import { pageOrder } from '../../src/core/faults/drift.js';
import { resolveRowId } from '../../src/core/submission.js';
import { type Call, keyOf, okValue, PROFILES, replay, run, SEEDS, servedPages, TASK_IDS } from './helpers.js';

type Row = Record<string, unknown>;

const SERVED_DATA_TASKS = ['T12_truncated_page', 'T13_schema_drift', 'T15_stale_records'];
const T1_T10 = TASK_IDS.filter((t) => !SERVED_DATA_TASKS.includes(t));

/** The rows of every 200 the agent received, as row objects (row_id included), in order. */
const receivedRows = (calls: readonly Call[]): Row[] => servedPages(calls).flatMap((p) => p.rows as Row[]);

/** The rows the agent submitted. */
function submitted(calls: readonly Call[]): Row[] {
  return calls.find((c) => c.name === 'submit_results')!.args.rows as Row[];
}

describe.each(PROFILES)('a row_id resolves to its row as served (%s)', (profile) => {
  for (const taskId of T1_T10) {
    it(`${taskId}/${profile}: exactly as before, streamRow of its position (in-page order on drift), byte for byte`, async () => {
      for (const seed of SEEDS) {
        const { episode } = await run('reference', taskId, seed, profile);
        const { inst, api } = episode;
        const drift = inst.task.faults.drift;
        let resolved = 0;
        for (const e of api.trace) {
          if (e.kind !== 'served') continue;
          const order = drift?.shuffle
            ? pageOrder(drift, inst.keys.drift, e.page, e.servedAttempt, e.count)
            : null;
          for (let k = 0; k < e.count; k++) {
            const id = `r${e.seq}.${k}`;
            const before = streamRow(inst, e.start + (order === null ? k : order[k]!), id);
            expect(JSON.stringify(resolveRowId(inst, api, id)), `seed ${seed} ${id}`).toBe(
              JSON.stringify(before),
            );
            resolved += 1;
          }
        }
        expect(resolved, `seed ${seed}`).toBeGreaterThan(0);
      }
    });
  }

  for (const taskId of TASK_IDS) {
    it(`${taskId}/${profile}: the row object the page carried (rows as the profile's row format)`, async () => {
      for (const seed of SEEDS) {
        const { episode, calls } = await run('reference', taskId, seed, profile);
        for (const row of receivedRows(calls)) {
          const as = resolveRowId(episode.inst, episode.api, row.row_id);
          expect(JSON.stringify(as), `seed ${seed} ${row.row_id as string}`).toBe(JSON.stringify(row));
        }
      }
    });
  }
});

describe.each(PROFILES)('served-data faults are judged from what was served (%s)', (profile) => {
  it('T12: rows a cut response did not carry are foreign when submitted, never present', async () => {
    const taskId = 'T12_truncated_page';
    for (const seed of SEEDS) {
      const where = `${taskId}/${profile} seed ${seed}`;
      const trust = await run('trust-page', taskId, seed, profile);
      const ep = replay(taskId, profile, seed, trust.calls);
      const { inst, api } = ep;
      const size = ep.task.max_page_size;
      // The positions each cut response held but did not carry (T12 has no artefacts: position = row).
      const uncarried: number[] = [];
      for (const e of api.trace) {
        if (e.kind !== 'truncated') continue;
        const held = Math.min(size, inst.streamLength - (e.page - 1) * size);
        for (let pos = e.start + e.count; pos < e.start + held; pos++) uncarried.push(pos);
      }
      expect(uncarried.length, where).toBeGreaterThan(0);
      const rows = submitted(trust.calls);
      const extra = uncarried.map((pos) => truthRow(inst, pos));
      const b = okValue(ep.runTool('submit_results', { rows: [...rows, ...extra] })).breakdown as {
        evidence: Record<string, number>;
      };
      expect(b.evidence.present, where).toBe(rows.length);
      expect(b.evidence.foreign, where).toBe(extra.length);
      expect(b.evidence.present + uncarried.length, where).toBe(inst.n);
      expect(b.evidence.truncated, where).toBe(trust.result.evidence.truncated);
    }
  });

  it('T13: drifted rows as served are schema-invalid (rows or row_ids); brought into row_schema they are exact', async () => {
    const taskId = 'T13_schema_drift';
    for (const seed of SEEDS) {
      const where = `${taskId}/${profile} seed ${seed}`;
      const echo = await run('schema-echo', taskId, seed, profile);
      const drifted = submitted(echo.calls).filter((r) => r.primaryValue === undefined).length;
      expect(drifted, where).toBeGreaterThan(0);
      expect(echo.result.evidence.schema_invalid, where).toBe(drifted);
      expect(echo.result.evidence.drifted, where).toBe(drifted);
      expect(echo.result.evidence.present, where).toBe(echo.result.evidence.n);
      expect(echo.result.evidence.exact, where).toBe((echo.result.evidence.n as number) - drifted);
      // The same rows by row_id resolve to the same drifted rows: the same score.
      const ep = replay(taskId, profile, seed, echo.calls);
      const ids = submitted(echo.calls).map((r) => r.row_id);
      const byId = okValue(ep.runTool('submit_results', { row_ids: ids, run_log: [] }));
      const byRows = okValue(
        replay(taskId, profile, seed, echo.calls).runTool('submit_results', {
          rows: submitted(echo.calls),
          run_log: [],
        }),
      );
      expect(byId.score, where).toBe(byRows.score);
      // The reference submits the same rows brought into row_schema: every one exact.
      const ref = await run('reference', taskId, seed, profile);
      expect(ref.result.evidence.exact, where).toBe(ref.result.evidence.n);
      expect(ref.result.evidence.drifted, where).toBe(0);
    }
  });

  it('T15: an older version is present but not exact, by rows or row_ids; exactness includes version and updated_at', async () => {
    const taskId = 'T15_stale_records';
    for (const seed of SEEDS) {
      const where = `${taskId}/${profile} seed ${seed}`;
      const first = await run('first-version', taskId, seed, profile);
      const stale = first.result.evidence.stale as number;
      expect(stale, where).toBeGreaterThan(0);
      expect(first.result.evidence.present, where).toBe(first.result.evidence.n);
      expect(first.result.evidence.exact, where).toBe((first.result.evidence.n as number) - stale);
      expect(first.result.evidence.schema_invalid, where).toBe(0);
      // Its row_ids name the versions it kept: they resolve to the same older versions.
      const ids = submitted(first.calls).map((r) => r.row_id);
      const byId = okValue(
        replay(taskId, profile, seed, first.calls).runTool('submit_results', { row_ids: ids }),
      );
      expect((byId.breakdown as { evidence: Record<string, number> }).evidence.stale, where).toBe(stale);

      const ref = await run('reference', taskId, seed, profile);
      expect(ref.result.evidence.exact, where).toBe(ref.result.evidence.n);
      const rows = submitted(ref.calls);
      const judged = (edit: (r: Row) => Row) => {
        const ep = replay(taskId, profile, seed, ref.calls);
        const v = okValue(ep.runTool('submit_results', { rows: [edit(rows[0]!), ...rows.slice(1)] }));
        return (v.breakdown as { evidence: Record<string, number> }).evidence;
      };
      // Another version number, another updated_at: present, valid, not exact.
      const version = judged((r) => ({ ...r, version: (r.version as number) + 1 }));
      expect([version.present, version.exact, version.schema_invalid], where).toEqual([
        rows.length,
        rows.length - 1,
        0,
      ]);
      const updated = judged((r) => ({ ...r, updated_at: '2000-01-01T00:00:00Z' }));
      expect([updated.exact, updated.schema_invalid], where).toEqual([rows.length - 1, 0]);
      // The version fields are part of the task's schema: without them (or mistyped) a row is invalid.
      const { version: _v, updated_at: _u, ...bare } = rows[0]!;
      expect(judged(() => bare).schema_invalid, where).toBe(1);
      expect(judged((r) => ({ ...r, version: String(r.version) })).schema_invalid, where).toBe(1);
      expect(judged((r) => ({ ...r, version: 0 })).schema_invalid, where).toBe(1);
    }
  });

  it('the version fields belong to T15 alone: on T1–T10 a row without them is exact, with them still exact', async () => {
    for (const taskId of ['T1_single_page', 'T3_duplicates']) {
      for (const seed of SEEDS) {
        const ref = await run('reference', taskId, seed, profile);
        const rows = submitted(ref.calls).map((r) => ({ ...r, version: 'x', updated_at: 5 }));
        const ep = replay(taskId, profile, seed, ref.calls);
        const v = okValue(ep.runTool('submit_results', { rows }));
        const evidence = (v.breakdown as { evidence: Record<string, number> }).evidence;
        expect([evidence.exact, evidence.schema_invalid]).toEqual([rows.length, 0]);
        expect(evidence.stale).toBeUndefined();
      }
    }
  });
});

describe.each(PROFILES)('each rule is stated on its own task only (%s)', (profile) => {
  const RULE_OF: Record<string, string> = {
    T12_truncated_page: 'truncation',
    T13_schema_drift: 'schema_drift',
    T15_stale_records: 'stale_records',
  };
  const PAGE_FIELD_OF: Record<string, string> = {
    T12_truncated_page: 'row_count',
    T15_stale_records: 'as_of',
  };

  it('get_task_info rules and row_schema, and the fields a 200 adds', async () => {
    for (const taskId of TASK_IDS) {
      const { calls } = await run('reference', taskId, SEEDS[0]!, profile);
      const info = calls.find((c) => c.name === 'get_task_info')!.reply.value!;
      const rules = Object.keys(info.rules as object);
      const own = Object.hasOwn(RULE_OF, taskId) ? [RULE_OF[taskId]!] : [];
      expect(
        rules.filter((r) => Object.values(RULE_OF).includes(r)),
        taskId,
      ).toEqual(own);
      const schema = info.row_schema as Array<{ name: string; type: string; minimum?: number }>;
      const names = schema.map((f) => f.name);
      const base = ROW_SCHEMA.map((f) => f.name as string);
      expect(names, taskId).toEqual(
        taskId === 'T15_stale_records' ? [...base, 'version', 'updated_at'] : base,
      );
      // The amounts are never negative: row_schema says so.
      for (const f of schema) {
        const amount = ['qty', 'netWgt', 'primaryValue'].includes(f.name);
        expect(f.minimum, `${taskId} ${f.name}`).toBe(amount ? 0 : f.name === 'version' ? 1 : undefined);
      }
      for (const page of servedPages(calls)) {
        for (const field of ['row_count', 'as_of']) {
          expect(Object.hasOwn(page, field), `${taskId} ${field}`).toBe(PAGE_FIELD_OF[taskId] === field);
        }
      }
    }
  });

  it('the keys a T15 row is judged by are the primary key: versions of one record are one key', async () => {
    for (const seed of SEEDS) {
      const { calls } = await run('reference', 'T15_stale_records', seed, profile);
      const keys = new Set(receivedRows(calls).map(keyOf));
      const rows = submitted(calls);
      expect(rows.length).toBe(keys.size);
    }
  });
});
