/**
 * Section 2, judge cost: scoring a full T2_multi_page submission (about 2,345 rows), timed from parsed tool
 * arguments with R* precomputed (EpisodeOptions.plan = referencePlan(inst)). Each timed call gets a fresh
 * Episode that fetched every page, exactly as a live episode reaches submit_results. The rows are a JSON
 * round trip of what fetch_page served, so they are objects shaped the way a transport parses them.
 *
 * Three timings per repetition:
 * - submit: Episode.submit(args) (envelope and size check, submission entries, judge);
 * - judge: judge() alone on the same entries (pure);
 * - call: Episode.runTool('submit_results', args) (adds the zod check of the arguments).
 */
import { Episode } from '../../src/core/episode.js';
import { judge } from '../../src/core/judge/index.js';
import { referencePlan } from '../../src/core/judge/reference-plan.js';
import { checkEnvelope, type SubmissionArgs, submissionEntries } from '../../src/core/submission.js';
import { loadTasks } from '../../src/env/task-catalog.js';
import { percentile } from '../lib/stats.js';
import { emit, runWorker, workerArgs } from '../lib/worker.js';

interface Args {
  runs: number;
  reps: number;
  warmupReps: number;
}

const TASK = 'T2_multi_page';

runWorker(async () => {
  const args = workerArgs<Args>();
  const catalog = loadTasks();
  const task = catalog.resolve(TASK);
  let next = 0;

  /** A fresh episode that has fetched every page with the largest page size, and its submission. */
  const prepared = (seed: number) => {
    const mk = () => {
      const probe = new Episode({ task, seed, episodeId: `judge-${next++}` });
      return new Episode({ task, seed, episodeId: `judge-${next++}`, plan: referencePlan(probe.inst) });
    };
    const ep = mk();
    const rows: unknown[] = [];
    const log: unknown[] = [];
    const seen = new Set<string>();
    for (let page = 1, pages = 1; page <= pages; page++) {
      const r = ep.runTool('fetch_page', { page, page_size: task.max_page_size });
      if (!r.outcome.ok) throw new Error(`fetch_page failed: ${r.outcome.error.message}`);
      const v = r.outcome.value;
      if (v.status !== 200) throw new Error(`${TASK} served status ${String(v.status)}; expected no faults`);
      pages = v.total_pages as number;
      const served = v.rows as Array<Record<string, unknown>>;
      log.push({ page, status: 200, rows: served.length });
      for (const row of served) {
        const key = `${row.period}|${row.reporterCode}|${row.partnerCode}|${row.flowCode}|${row.cmdCode}`;
        if (row.is_total === true || seen.has(key)) continue;
        seen.add(key);
        rows.push(row);
      }
    }
    const sub = JSON.parse(JSON.stringify({ rows, run_log: log })) as SubmissionArgs;
    return { ep, sub, rows: rows.length };
  };

  const timeOne = (seed: number) => {
    const a = prepared(seed);
    const b = prepared(seed);
    const c = prepared(seed);
    // submit path
    let t0 = performance.now();
    const out = a.ep.submit(a.sub);
    const submitMs = performance.now() - t0;
    if (out.score !== 100) throw new Error(`${TASK} seed ${seed} scored ${String(out.score)}, expected 100`);
    // judge() alone (entries built outside the timing)
    const field = checkEnvelope(b.sub, task.max_submission_bytes);
    const entries = submissionEntries(b.ep.inst, b.ep.api, b.sub, field);
    const plan = referencePlan(b.ep.inst);
    t0 = performance.now();
    judge({ inst: b.ep.inst, api: b.ep.api, entries, runLog: b.sub.run_log, endReason: 'submitted', plan });
    const judgeMs = performance.now() - t0;
    // through runTool (zod check of the arguments)
    t0 = performance.now();
    c.ep.runTool('submit_results', c.sub);
    const callMs = performance.now() - t0;
    return { submitMs, judgeMs, callMs, rows: a.rows };
  };

  let seed = 0;
  for (let i = 0; i < args.warmupReps; i++) timeOne(seed++ % 50);
  const runs: Array<Record<string, number>> = [];
  let rowsSeen = 0;
  for (let r = 0; r < args.runs; r++) {
    const submit: number[] = [];
    const judgeOnly: number[] = [];
    const call: number[] = [];
    for (let i = 0; i < args.reps; i++) {
      const t = timeOne(seed++ % 50);
      submit.push(t.submitMs);
      judgeOnly.push(t.judgeMs);
      call.push(t.callMs);
      rowsSeen = t.rows;
    }
    runs.push({
      submit_p50_ms: percentile(submit, 50),
      submit_p99_ms: percentile(submit, 99),
      judge_p50_ms: percentile(judgeOnly, 50),
      judge_p99_ms: percentile(judgeOnly, 99),
      call_p50_ms: percentile(call, 50),
      call_p99_ms: percentile(call, 99),
    });
  }
  emit('result', { runs, rows: rowsSeen });
});
