/**
 * Served pages and get_task_info are written as JSON text without building objects (DirectValue, and
 * get_task_info's TaskInfoText); that text must be exactly JSON.stringify of the object the same call builds,
 * and its escaped form (when offered) exactly JSON.stringify of the text, on every task and profile, in both
 * row formats, with duplicates, totals rows, drift and in-page shuffles, faults, a salt, and an episode id
 * that needs escaping. A page in columns form decodes (pageRows) to exactly the rows of its objects form.
 */
import { describe, expect, it } from 'vitest';
import { InProcessEnv } from '../../src/env/in-process.js';
import { runEpisode } from '../../src/agents/runner.js';
import type { EnvConnection, ToolReply } from '../../src/env/connection.js';
import { COLUMNS } from '../../src/core/dataset.js';
import { Episode } from '../../src/core/episode.js';
import { pageRows, ROW_FORMATS } from '../../src/core/row-format.js';
import { TaskInfoText } from '../../src/core/task-info.js';
import { type Call, catalog, PROFILES, recording, registry, SEEDS, TASK_IDS } from './helpers.js';

interface Checked {
  direct: number;
  rows: number;
  totals: number;
  mismatches: string[];
}

/** An in-process connection that checks both faces of every direct value before handing it over. */
function checkingEnv(salt: string, episodeId: string, seen: Checked): EnvConnection {
  let ep: Episode | null = null;
  const check = (name: string, r: ReturnType<Episode['runTool']>) => {
    if (!r.outcome.ok || r.outcome.direct === undefined) return;
    const d = r.outcome.direct;
    const text = d.json();
    seen.direct += 1;
    if (text !== JSON.stringify(d.value())) seen.mismatches.push(`${name} json`);
    if (d.escapedJson !== undefined && d.escapedJson() !== JSON.stringify(text))
      seen.mismatches.push(`${name} escaped`);
    const value = d.value();
    if (Array.isArray(value.rows)) {
      const rows = pageRows(value);
      seen.rows += rows.length;
      seen.totals += rows.filter((row) => row.is_total === true).length;
      if (d.rowCount !== rows.length) seen.mismatches.push(`${name} rowCount`);
    }
  };
  return {
    reset: async (o) => {
      const task = catalog.resolve(o.task_id, o.profile);
      ep = new Episode({
        task,
        seed: o.seed,
        episodeId,
        salt,
        saltHash: salt === '' ? null : 'abcdef0123456789',
        rowFormat: o.row_format,
        infoText: new TaskInfoText(task),
      });
      return ep.taskInfo();
    },
    callTool: async (name, args): Promise<ToolReply> => {
      const r = ep!.runTool(name, args);
      check(name, r);
      // Later get_task_info calls report other counters: check them too.
      if (name === 'get_task_info') for (let k = 0; k < 3; k++) check(name, ep!.runTool(name, args));
      return r.outcome.ok
        ? { value: r.outcome.value, error: null, done: r.done, reward: r.reward }
        : { value: null, error: r.outcome.error.toJSON(), done: r.done, reward: r.reward };
    },
    close: async () => undefined,
  };
}

describe.each(PROFILES)('direct tool values are byte-identical to their objects (%s)', (profile) => {
  for (const agent of ['reference', 'no-dedup', 'premature-retry', 'keep-totals']) {
    it(`${agent} on every task and seed, ${profile} profile, both row formats`, async () => {
      const seen: Checked = { direct: 0, rows: 0, totals: 0, mismatches: [] };
      for (const [t, taskId] of TASK_IDS.entries()) {
        for (const seed of SEEDS) {
          const salt = seed % 2 === 0 ? '' : 'salt';
          const env = checkingEnv(salt, `ep "${seed}" ü\u2028\\`, seen);
          // Row formats alternate over tasks and seeds, independently of the salt (odd seeds).
          const row_format = ROW_FORMATS[(seed + t) % 2];
          await runEpisode(env, registry.get(agent)!, { task_id: taskId, seed, profile, row_format });
        }
      }
      expect(seen.mismatches).toEqual([]);
      expect(seen.direct).toBeGreaterThan(500);
      expect(seen.rows).toBeGreaterThan(profile === 'llm' ? 5_000 : 30_000);
      expect(seen.totals).toBeGreaterThan(0);
    });
  }
});

describe('a page in columns form is its objects form with the field names written once', () => {
  it('the same calls in both row formats give the same rows, on every task, profile and seed', async () => {
    let pages = 0;
    for (const taskId of TASK_IDS) {
      for (const profile of PROFILES) {
        for (const seed of SEEDS) {
          const calls: Call[] = [];
          const env = new InProcessEnv(catalog);
          await runEpisode(recording(env, calls), registry.get('reference')!, {
            task_id: taskId,
            seed,
            profile,
            row_format: 'objects',
          });
          const columns = new Episode({
            task: catalog.resolve(taskId, profile),
            seed,
            episodeId: 'c',
            rowFormat: 'columns',
          });
          // get_task_info too: it issues the auth_token of tasks with auth.
          for (const c of calls.filter((x) => x.name !== 'submit_results')) {
            const r = columns.runTool(c.name, c.args);
            if (c.name === 'get_task_info') continue;
            const v = r.outcome.ok ? r.outcome.value : null;
            expect(v?.status).toBe(c.reply.value?.status);
            if (v?.status !== 200) continue;
            const { columns: names, rows: _rows, ...rest } = v;
            const { rows, ...objectRest } = c.reply.value!;
            expect(rest).toEqual(objectRest);
            expect(Object.keys(v).indexOf('columns')).toBe(Object.keys(v).indexOf('rows') - 1);
            // The names are the objects' keys, row_id first: COLUMNS, unless the task adds fields (versions)
            // or the response drifted (renamed fields).
            const first = (rows as Record<string, unknown>[])[0];
            if (first !== undefined)
              expect(names).toEqual(['row_id', ...Object.keys(first).filter((k) => k !== 'row_id')]);
            if (columns.inst.stale === null && columns.inst.schemaDrift === null)
              expect(names).toEqual([...COLUMNS]);
            expect(JSON.stringify(pageRows(v))).toBe(JSON.stringify(rows));
            pages += 1;
          }
        }
      }
    }
    expect(pages).toBeGreaterThan(300);
  });
});
