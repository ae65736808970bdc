/**
 * Judge property 7 (docs/benchmark.md, section 9): hostile submissions (bad JSONL lines, wrong types, huge or
 * non-finite numbers, non-object rows, unknown row_ids, 16 MiB of data) never crash the judge: data inside
 * the envelope is scored and counted in the breakdown, on every profile; envelope errors are invalid-argument
 * errors after which the agent may submit again.
 */
import { describe, expect, it } from 'vitest';
import { Episode } from '../../src/core/episode.js';
import { DIMENSIONS } from '../../src/core/judge/index.js';
import { jsonBytes } from '../../src/core/submission.js';
import { catalog, cleanRows, errorCode, okValue, PROFILES, walkAllPages } from './helpers.js';

interface Breakdown {
  score: number;
  end_reason: string;
  dimensions: Record<string, { points: number }>;
  evidence: Record<string, number | string>;
}

function fetched(taskId = 'T1_single_page', seed = 0, profile = 'default') {
  const ep = new Episode({ task: catalog.resolve(taskId, profile), seed, episodeId: 'hostile' });
  const walk = walkAllPages(ep);
  return { ep, ...walk, rows: cleanRows(walk.served) };
}

/** Submits; the call must not throw, must end the episode, and must give a finite score in [0, 100]. */
function submit(ep: Episode, args: unknown): Breakdown {
  let r: ReturnType<Episode['runTool']> | undefined;
  expect(() => {
    r = ep.runTool('submit_results', args);
  }).not.toThrow();
  const v = okValue(r!);
  const b = v.breakdown as Breakdown;
  expect(r!.done).toBe(true);
  expect(b.end_reason).toBe('submitted');
  expect(Number.isFinite(b.score)).toBe(true);
  expect(b.score).toBeGreaterThanOrEqual(0);
  expect(b.score).toBeLessThanOrEqual(100);
  for (const d of DIMENSIONS) expect(Number.isFinite(b.dimensions[d]!.points), d).toBe(true);
  expect(r!.reward).toBeCloseTo(b.score / 100, 6);
  return b;
}

describe.each(PROFILES)('hostile data inside the envelope is scored and counted (%s)', (profile) => {
  it('bad JSONL lines are malformed, an object without key fields is schema-invalid', () => {
    const { ep, rows, log } = fetched('T1_single_page', 0, profile);
    const n = rows.length;
    const bad = ['not json', '[1,2]', '42', 'null', '"a string"', '{"unterminated": '];
    const lines = [...rows.map((r) => JSON.stringify(r)), ...bad, '{"a":1}', '', '   '];
    const b = submit(ep, { data_jsonl: lines.join('\n'), run_log: log });
    expect(b.evidence.malformed).toBe(6);
    expect(b.evidence.schema_invalid).toBe(1);
    expect(b.evidence.submitted).toBe(n + 7); // blank lines are not entries
    expect(b.evidence.exact).toBe(n);
    // Everything else is clean: data quality = 15 * (1 - 4 d / L) * (1 - E / S*), where each of the 7 keyless
    // entries adds the mean ground-truth row value to E (every row is present, so that mean is S* / n).
    const sStarCents = rows.reduce((a, r) => a + Math.round((r.primaryValue as number) * 100), 0);
    const meanCents = Math.round(sStarCents / n);
    expect(b.dimensions.data_quality!.points).toBeCloseTo(
      15 * (1 - (4 * 7) / (n + 7)) * (1 - (7 * meanCents) / sStarCents),
      5,
    );
    expect(b.dimensions.correctness!.points).toBe(30);
  });

  it('non-object rows are malformed', () => {
    const { ep, rows, log } = fetched('T1_single_page', 0, profile);
    const b = submit(ep, { rows: [null, 5, 'row', [], true, [rows[0]], ...rows], run_log: log });
    expect(b.evidence.malformed).toBe(6);
    expect(b.evidence.exact).toBe(rows.length);
    expect(b.score).toBeLessThan(100);
  });

  it('wrong field types make a row schema-invalid; a mistyped key field leaves it without a key', () => {
    const { ep, rows, log } = fetched('T1_single_page', 0, profile);
    const hostile = rows.map((r) => ({ ...r }));
    hostile[0]!.primaryValue = String(hostile[0]!.primaryValue); // key intact: present, not exact
    hostile[1]!.reporterCode = String(hostile[1]!.reporterCode); // key field mistyped: no key
    hostile[2]!.refMonth = 1.5; // integer field with a fraction
    hostile[3]!.is_total = 'false'; // boolean field as a string
    delete hostile[4]!.netWgt; // missing field
    const b = submit(ep, { rows: hostile, run_log: log });
    expect(b.evidence.schema_invalid).toBe(5);
    expect(b.evidence.exact).toBe(rows.length - 5);
    expect(b.evidence.present).toBe(rows.length - 1);
    expect(b.evidence.malformed).toBe(0);
  });

  it('non-finite and huge numbers are schema-invalid and never make the score non-finite', () => {
    const { ep, rows, log } = fetched('T1_single_page', 0, profile);
    const hostile = rows.map((r) => ({ ...r }));
    hostile[0]!.qty = Number.NaN;
    hostile[1]!.netWgt = Number.POSITIVE_INFINITY;
    hostile[2]!.primaryValue = 1e300;
    hostile[3]!.qty = -1e16;
    hostile[4]!.refYear = 1e300;
    hostile[5]!.primaryValue = Number.NEGATIVE_INFINITY;
    const b = submit(ep, { rows: hostile, run_log: log });
    expect(b.evidence.schema_invalid).toBe(6);
    expect(b.evidence.exact).toBe(rows.length - 6);
  });

  it('a negative amount (qty, netWgt or primaryValue) makes a row schema-invalid; zero is valid', () => {
    const { ep, rows, log } = fetched();
    const hostile = rows.map((r) => ({ ...r }));
    hostile[0]!.primaryValue = -(hostile[0]!.primaryValue as number);
    hostile[1]!.qty = -1;
    hostile[2]!.netWgt = -0.5;
    hostile[3]!.primaryValue = 0; // valid, but not the true value
    const b = submit(ep, { rows: hostile, run_log: log });
    expect(b.evidence.schema_invalid).toBe(3);
    expect(b.evidence.present).toBe(rows.length);
    expect(b.evidence.exact).toBe(rows.length - 4);
  });

  it('a huge but finite primaryValue wipes out data quality, and nothing else', () => {
    const { ep, rows, log } = fetched('T1_single_page', 0, profile);
    const hostile = rows.map((r) => ({ ...r }));
    hostile[0]!.primaryValue = 9e14;
    const b = submit(ep, { rows: hostile, run_log: log });
    expect(b.evidence.schema_invalid).toBe(0);
    expect(b.dimensions.data_quality!.points).toBe(0);
    expect(b.dimensions.completeness!.points).toBe(15);
  });

  it('unknown, malformed and non-string row_ids are malformed entries', () => {
    const { ep, served, log } = fetched('T1_single_page', 0, profile);
    const ids = served.map((r) => r.row_id);
    const hostile = [...ids, 'r999.0', 'x', 5, null, 'r1.99999', 'r0.0', {}, 'r1.0 ', 'R1.0'];
    const b = submit(ep, { row_ids: hostile, run_log: log });
    expect(b.evidence.malformed).toBe(9);
    expect(b.evidence.exact).toBe(ids.length);
    expect(b.dimensions.correctness!.points).toBe(30);
  });

  it('served-data tasks: a row_id past the cut of a truncated response is malformed; hostile version fields are schema-invalid', () => {
    const cut = fetched('T12_truncated_page', 0, profile);
    const truncated = cut.ep.api.trace.filter((e) => e.kind === 'truncated');
    expect(truncated.length).toBeGreaterThan(0);
    const past = truncated.map((e) => `r${e.seq}.${e.count}`);
    const b = submit(cut.ep, { row_ids: [...cut.served.map((r) => r.row_id), ...past], run_log: cut.log });
    expect(b.evidence.malformed).toBe(past.length);
    expect(b.evidence.truncated).toBe(truncated.length);

    const stale = fetched('T15_stale_records', 0, profile);
    const hostile = stale.rows.map((r) => ({ ...r }));
    const bad: unknown[] = [Number.NaN, 1e300, -1, 0, 2.5, '3', null, undefined];
    bad.forEach((v, i) => (hostile[i]!.version = v));
    const badTimes: unknown[] = [5, null, undefined, true];
    badTimes.forEach((v, i) => (hostile[bad.length + i]!.updated_at = v));
    const v = submit(stale.ep, { rows: hostile, run_log: stale.log });
    expect(v.evidence.schema_invalid).toBe(bad.length + badTimes.length);
    expect(v.evidence.present).toBe(stale.rows.length);
  });

  it("a number below its row_schema minimum is schema-invalid, the minimum itself is not: get_task_info's schema is the judge's", () => {
    for (const taskId of ['T1_single_page', 'T15_stale_records']) {
      const { ep, rows, log } = fetched(taskId, 0, profile);
      const schema = okValue(ep.runTool('get_task_info', {})).row_schema as Array<{
        name: string;
        minimum?: number;
      }>;
      const bounded = schema.filter((f) => f.minimum !== undefined);
      expect(bounded.map((f) => f.name).slice(0, 3), taskId).toEqual(['qty', 'netWgt', 'primaryValue']);
      const hostile = rows.map((r) => ({ ...r }));
      bounded.forEach((f, i) => {
        hostile[2 * i]![f.name] = f.minimum! - 1;
        hostile[2 * i + 1]![f.name] = f.minimum!;
      });
      const b = submit(ep, { rows: hostile, run_log: log });
      expect(b.evidence.schema_invalid, taskId).toBe(bounded.length);
      expect(b.evidence.present, taskId).toBe(rows.length);
    }
  });

  it('the same row twice is a duplicate, judged once', () => {
    const { ep, rows, log } = fetched('T1_single_page', 0, profile);
    const b = submit(ep, { rows: [...rows, ...rows], run_log: log });
    expect(b.evidence.duplicates).toBe(rows.length);
    expect(b.evidence.exact).toBe(rows.length);
    expect(b.dimensions.data_quality!.points).toBe(0); // 1 - 4 * 1/2 < 0 -> 0
  });

  it('the agent’s is_total flag is not trusted: real rows flagged as totals still count, totals flagged real do not', () => {
    const real = fetched('T7_totals_trap', 0, profile);
    const flagged = real.rows.map((r) => ({ ...r, is_total: true }));
    expect(submit(real.ep, { rows: flagged, run_log: real.log }).score).toBe(100);

    const again = fetched('T7_totals_trap', 0, profile);
    const totals = again.served
      .filter((r) => r.is_total === true)
      .map(({ row_id: _id, ...r }) => ({ ...r, is_total: false }));
    expect(totals.length).toBeGreaterThan(0);
    expect(totals).toHaveLength(again.ep.inst.totals.length);
    const b = submit(again.ep, { rows: [...again.rows, ...totals], run_log: again.log });
    expect(b.evidence.totals_kept).toBe(totals.length);
    expect(b.evidence.foreign).toBe(0);
    expect(b.score).toBeLessThan(100);
  });

  it('hostile run_log items are ignored or count as fabricated events, never crash', () => {
    const { ep, rows, log } = fetched('T1_single_page', 0, profile);
    const junk = [
      null,
      5,
      [],
      { page: '1', status: 200 },
      { page: 1.5, status: 200 },
      'page=x status=200',
      { page: 1e300, status: 200 },
      'page=1 status=200 page=2',
      '{"page": 1, "status": 200',
    ];
    const b = submit(ep, { rows, run_log: [...log, ...junk] });
    expect(b.evidence.coverage).toBe(1);
    // Two junk items are well-formed events ({page: 1e300} and "page=2 status=200") that match nothing.
    expect(b.evidence.faithfulness).toBeCloseTo(log.length / (log.length + 2), 9);
  });
});

describe('16 MiB and envelope errors are refused without ending the episode', () => {
  const MiB16 = 16 * 1024 * 1024;

  // One test per oversized submission: each builds and refuses tens of megabytes.
  const tooLarge: Array<[string, (rows: Record<string, unknown>[]) => unknown]> = [
    ['data_jsonl of 16 MiB + 1 byte', () => ({ data_jsonl: 'x'.repeat(MiB16 + 1) })],
    ['one row holding a 16 MiB string', () => ({ rows: [{ note: 'y'.repeat(MiB16) }] })],
    ['9,000,000 numbers, 18 MB of JSON', () => ({ rows: new Array(9_000_000).fill(0) })],
    ['2,500,000 row_ids', () => ({ row_ids: new Array(2_500_000).fill('r1.0') })],
    ['valid rows with a 16 MiB run_log', (rows) => ({ rows, run_log: 'z'.repeat(MiB16) })],
  ];
  for (const [what, args] of tooLarge) {
    it(`over max_submission_bytes (${what}) -> CB_ERR_SUBMISSION_TOO_LARGE, then a valid submission is scored`, () => {
      const { ep, rows, log } = fetched();
      expect(ep.task.max_submission_bytes).toBe(MiB16);
      const steps = ep.stepCount;
      const r = ep.runTool('submit_results', args(rows));
      expect(errorCode(r)).toBe('CB_ERR_SUBMISSION_TOO_LARGE');
      expect(r.done).toBe(false);
      expect(ep.done).toBe(false);
      expect(ep.stepCount).toBe(steps + 1);
      expect(submit(ep, { rows, run_log: log }).score).toBe(100);
    });
  }

  /*
   * Regression: the size check once counted a string as its UTF-16 length and every number as 8 bytes, so
   * 9 Mi x 'é' (18,874,385 UTF-8 bytes) or 1,000,000 x -Math.PI * 1e-300 (25,000,010 bytes) passed.
   */
  it('jsonBytes is the exact UTF-8 size of the JSON serialisation', () => {
    const samples: unknown[] = [
      { a: 'é€😀', b: [1, -2, 3.25, 1e21, -Math.PI * 1e-300, 0], c: null, d: true, e: false },
      ['quote " backslash \\ newline \n tab \t bell \u0007 nul \u0000', [], {}, [[]], { x: {} }],
      { rows: [{ period: '202101', qty: 123456789012, v: 0.1 }], run_log: 'page=1 status=200\n' },
      -0,
      12345678901234,
    ];
    for (const v of samples)
      expect(jsonBytes(v, Number.MAX_SAFE_INTEGER)).toBe(Buffer.byteLength(JSON.stringify(v)));
  });

  for (const [what, make] of [
    ['multi-byte strings', () => ({ data_jsonl: 'é'.repeat(9 * 1024 * 1024) })],
    ['long numbers', () => ({ rows: new Array(1_000_000).fill(-Math.PI * 1e-300) })],
  ] as const) {
    it(`the size limit is in bytes of JSON: ${what} count in full`, () => {
      const { ep, rows, log } = fetched();
      const args = make();
      expect(Buffer.byteLength(JSON.stringify(args))).toBeGreaterThan(MiB16);
      expect(errorCode(ep.runTool('submit_results', args))).toBe('CB_ERR_SUBMISSION_TOO_LARGE');
      expect(submit(ep, { rows, run_log: log }).score).toBe(100);
    });
  }

  it('none or several data fields, wrong types and unknown fields are envelope errors; the episode continues', () => {
    const { ep, rows, log } = fetched();
    const cases: Array<[unknown, string]> = [
      [{}, 'CB_ERR_SUBMISSION_ENVELOPE'],
      [undefined, 'CB_ERR_SUBMISSION_ENVELOPE'],
      [{ run_log: log }, 'CB_ERR_SUBMISSION_ENVELOPE'],
      [{ rows, data_jsonl: '' }, 'CB_ERR_SUBMISSION_ENVELOPE'],
      [{ rows, row_ids: [] }, 'CB_ERR_SUBMISSION_ENVELOPE'],
      [{ rows: [], data_jsonl: '', row_ids: [] }, 'CB_ERR_SUBMISSION_ENVELOPE'],
      [{ rows: 'rows' }, 'CB_ERR_INVALID_ARGUMENT'],
      [{ rows: { 0: {} } }, 'CB_ERR_INVALID_ARGUMENT'],
      [{ data_jsonl: 5 }, 'CB_ERR_INVALID_ARGUMENT'],
      [{ data_jsonl: ['{}'] }, 'CB_ERR_INVALID_ARGUMENT'],
      [{ row_ids: 'r1.0' }, 'CB_ERR_INVALID_ARGUMENT'],
      [{ rows, run_log: 5 }, 'CB_ERR_INVALID_ARGUMENT'],
      [{ rows, run_log: { page: 1, status: 200 } }, 'CB_ERR_INVALID_ARGUMENT'],
      [{ rows, metadata: 'note' }, 'CB_ERR_INVALID_ARGUMENT'],
      [{ rows, extra: true }, 'CB_ERR_INVALID_ARGUMENT'],
      ['rows', 'CB_ERR_INVALID_ARGUMENT'],
      [[rows], 'CB_ERR_INVALID_ARGUMENT'],
    ];
    for (const [args, code] of cases) {
      const steps = ep.stepCount;
      const r = ep.runTool('submit_results', args);
      expect(errorCode(r), JSON.stringify(args)?.slice(0, 80)).toBe(code);
      expect(r.done).toBe(false);
      expect(r.reward).toBe(null);
      expect(ep.stepCount).toBe(steps + 1);
    }
    expect(ep.done).toBe(false);
    expect(submit(ep, { rows, run_log: log, metadata: { model: 'm' } }).score).toBe(100);
  });

  it('a second submission after a successful one is CB_ERR_EPISODE_DONE and changes nothing', () => {
    const { ep, rows, log } = fetched();
    const first = submit(ep, { rows, run_log: log });
    const steps = ep.stepCount;
    for (const [name, args] of [
      ['submit_results', { rows: [] }],
      ['fetch_page', { page: 1 }],
      ['get_task_info', {}],
    ] as const) {
      const r = ep.runTool(name, args);
      expect(errorCode(r)).toBe('CB_ERR_EPISODE_DONE');
      expect(r.done).toBe(true);
    }
    expect(ep.stepCount).toBe(steps);
    expect(ep.breakdown!.score).toBe(first.score);
    expect(ep.endReason).toBe('submitted');
  });
});
