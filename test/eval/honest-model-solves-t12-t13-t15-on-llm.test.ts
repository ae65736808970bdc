/**
 * The served-data tier through the model harness: a model that follows only what the environment tells it
 * (fetch a page cut short of its row_count again, bring drifted rows back into row_schema, fetch a page from a
 * lagging as_of again and keep each record's highest version), played by a reactive script behind a fake
 * OpenAI-compatible server, scores at least 99 on T12, T13 and T15 on the llm profile, and each trajectory
 * shows the fault met and answered.
 */
import { describe, expect, it } from 'vitest';
import type { Trajectory } from '../../src/env/trajectory.js';
import { expectHonestEpisodes, honestEvalRun } from './helpers.js';
import { rowsOf } from './scripts.js';

type Json = Record<string, unknown>;

const run = honestEvalRun('T12,T13,T15', '0..1');

/** The trajectory's page replies (200s) with the index of their call, and its submission's arguments. */
function readTrajectory(t: Trajectory) {
  const info = t.calls.find((c) => c.name === 'get_task_info')!.reply as Json;
  const pk = info.primary_key as string[];
  const pages = t.calls
    .map((c, i) => ({ i, args: c.arguments as Json, reply: c.reply as Json }))
    .filter((c) => t.calls[c.i]!.name === 'fetch_page' && c.reply.status === 200);
  return {
    info,
    pages,
    keyOf: (row: Json) => pk.map((k) => String(row[k])).join('|'),
    submission: t.calls[t.submission_call!]!.arguments as Json,
  };
}

/** The judge's correctness evidence: how many submitted rows were still drifted or stale. */
const correctnessEvidence = (t: Trajectory) =>
  (t.breakdown as { dimensions: { correctness: { evidence: Json } } }).dimensions.correctness.evidence;

const of = (task: string) => run.trajectories.filter((t) => t.task_id === task);

describe('an honest model on the served-data tier (llm profile)', () => {
  it('scores at least 99 on every T12, T13 and T15 episode, and submits', () => {
    expectHonestEpisodes(run, 6);
    expect(run.trajectories.map((t) => t.task_id).sort()).toEqual(
      ['T12_truncated_page', 'T13_schema_drift', 'T15_stale_records'].flatMap((id) => [id, id]),
    );
  });

  it('T12: fetches every page cut short of its row_count again at once, until it comes whole', () => {
    for (const t of of('T12_truncated_page')) {
      const { pages } = readTrajectory(t);
      const cut = pages.filter((p) => (p.reply.rows as unknown[]).length < (p.reply.row_count as number));
      expect(cut.length, `seed ${t.seed}`).toBeGreaterThan(0);
      for (const c of cut) {
        const next = t.calls[c.i + 1]!;
        expect(next.name).toBe('fetch_page');
        expect((next.arguments as Json).page).toBe(c.args.page);
        const whole = pages.filter(
          (p) => p.i > c.i && p.reply.page === c.reply.page && rowsOf(p.reply).length === p.reply.row_count,
        );
        expect(whole.length, `seed ${t.seed} page ${String(c.reply.page)}`).toBeGreaterThan(0);
      }
    }
  });

  it('T13: met drifted rows and submitted them as row objects in the declared row_schema', () => {
    for (const t of of('T13_schema_drift')) {
      const { info, pages, keyOf, submission } = readTrajectory(t);
      const drifted = pages.flatMap((p) => rowsOf(p.reply)).filter((r) => 'primary_value' in r);
      expect(drifted.length, `seed ${t.seed}`).toBeGreaterThan(0);
      expect(submission).not.toHaveProperty('row_ids');
      const submitted = new Map((submission.rows as Json[]).map((r) => [keyOf(r), r]));
      const names = (info.row_schema as Array<{ name: string }>).map((f) => f.name);
      for (const r of submitted.values()) expect(Object.keys(r)).toEqual(names);
      for (const served of drifted.filter((r) => r.is_total !== true)) {
        const row = submitted.get(keyOf(served))!;
        expect(typeof served.qty).toBe('string');
        expect(row.qty).toBe(Number(served.qty));
        expect(row.netWgt).toBe(Number(served.netWgt));
        expect(row.primaryValue).toBe(served.primary_value);
      }
      expect(correctnessEvidence(t).drifted).toBe(0);
    }
  });

  it('T15: fetched every page from a lagging as_of again and kept each record’s highest version', () => {
    for (const t of of('T15_stale_records')) {
      const { pages, keyOf, submission } = readTrajectory(t);
      const newest = pages
        .map((p) => p.reply.as_of as string)
        .sort()
        .at(-1)!;
      const lagging = pages.filter((p) => (p.reply.as_of as string) < newest);
      expect(lagging.length, `seed ${t.seed}`).toBeGreaterThan(0);
      for (const l of lagging) {
        const latest = pages.filter((p) => p.reply.page === l.reply.page).at(-1)!;
        expect(latest.i).toBeGreaterThan(l.i);
        expect(latest.reply.as_of).toBe(newest);
      }
      const served = pages.flatMap((p) => rowsOf(p.reply));
      const byId = new Map(served.map((r) => [r.row_id, r]));
      const highest = new Map<string, number>();
      for (const r of served)
        highest.set(keyOf(r), Math.max(highest.get(keyOf(r)) ?? 0, r.version as number));
      // Some record came in two versions, and the submission names the newer one of every record.
      const versions = new Set(served.map((r) => `${keyOf(r)}@${String(r.version)}`));
      expect(versions.size).toBeGreaterThan(highest.size);
      for (const id of submission.row_ids as string[]) {
        const row = byId.get(id)!;
        expect(row.version).toBe(highest.get(keyOf(row)));
      }
      expect(correctnessEvidence(t).stale).toBe(0);
    }
  });
});
