/**
 * Served pages and get_task_info are written as JSON text without building objects (DirectValue); that
 * text must be exactly JSON.stringify of the object the same call builds, and its escaped form exactly
 * JSON.stringify of the text, on every task, with duplicates, totals rows, drift and in-page shuffles,
 * faults, a salt, and an episode id that needs escaping.
 */
import { describe, expect, it } from 'vitest';
import { runEpisode } from '../../src/agents/runner.js';
import type { EnvConnection, ToolReply } from '../../src/env/connection.js';
import { JsonTemplate } from '../../src/core/direct-value.js';
import { Episode } from '../../src/core/episode.js';
import { catalog, registry, SEEDS, TASK_IDS } from './helpers.js';

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
    const rows = d.value().rows;
    if (Array.isArray(rows)) {
      seen.rows += rows.length;
      seen.totals += rows.filter((row) => (row as { is_total: boolean }).is_total).length;
      if (d.rowCount !== rows.length) seen.mismatches.push(`${name} rowCount`);
    }
  };
  return {
    reset: async (o) => {
      ep = new Episode({
        task: catalog.resolve(o.task_id, o.profile),
        seed: o.seed,
        episodeId,
        salt,
        saltHash: salt === '' ? null : 'abcdef0123456789',
      });
      return ep.taskInfo();
    },
    callTool: async (name, args): Promise<ToolReply> => {
      const r = ep!.runTool(name, args);
      check(name, r);
      // Later get_task_info calls use the episode's own prefilled template: check them too.
      if (name === 'get_task_info') for (let k = 0; k < 3; k++) check(name, ep!.runTool(name, args));
      return r.outcome.ok
        ? { value: r.outcome.value, error: null, done: r.done, reward: r.reward }
        : { value: null, error: r.outcome.error.toJSON(), done: r.done, reward: r.reward };
    },
    close: async () => undefined,
  };
}

describe('direct tool values are byte-identical to their objects', () => {
  for (const agent of ['reference', 'no-dedup', 'premature-retry', 'keep-totals']) {
    it(`${agent} on every task and seed, default and llm profiles`, async () => {
      const seen: Checked = { direct: 0, rows: 0, totals: 0, mismatches: [] };
      for (const taskId of TASK_IDS) {
        for (const profile of ['default', 'llm']) {
          for (const seed of SEEDS) {
            const salt = seed % 2 === 0 ? '' : 'salt';
            const env = checkingEnv(salt, `ep "${seed}" ü\u2028\\`, seen);
            await runEpisode(env, registry.get(agent)!, { task_id: taskId, seed, profile });
          }
        }
      }
      expect(seen.mismatches).toEqual([]);
      expect(seen.direct).toBeGreaterThan(1000);
      expect(seen.rows).toBeGreaterThan(30_000);
      expect(seen.totals).toBeGreaterThan(0);
    });
  }
});

describe('JsonTemplate', () => {
  it('fills holes with what JSON.stringify writes, escaped or not', () => {
    const t = JsonTemplate.of((h) => ({ a: h(0), b: 'x"\n', c: [h(1), h(2)], d: h(3) }), 4)!;
    for (const holes of [
      [1, 'q"\u2028', null, 2.5],
      [-0, '', 7, Number.NaN],
    ] as const) {
      const value = { a: holes[0], b: 'x"\n', c: [holes[1], holes[2]], d: holes[3] };
      expect(t.fill(holes)).toBe(JSON.stringify(value));
      expect(t.fillEscaped(holes)).toBe(JSON.stringify(JSON.stringify(value)));
      const rest = t.prefill(holes.slice(0, 2));
      expect(rest.fill(holes.slice(2))).toBe(JSON.stringify(value));
      expect(rest.fillEscaped(holes.slice(2))).toBe(JSON.stringify(JSON.stringify(value)));
    }
  });

  it('refuses a value whose own text looks like a hole', () => {
    expect(JsonTemplate.of((h) => ({ a: h(0), b: 'cb-hole-0' }), 1)).toBeNull();
    expect(JsonTemplate.of((h) => ({ a: h(0) }), 2)).toBeNull();
  });
});
