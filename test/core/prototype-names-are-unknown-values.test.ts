/**
 * Every lookup keyed by client text is an own-property lookup: names that every plain object inherits
 * (`constructor`, `__proto__`, `toString`, `hasOwnProperty`, `valueOf`) are unknown values with the typed
 * error of what was named (task, profile, tool, agent, argument), never a crash or a hit on Object.prototype.
 * In-process entry points here; the transports in test/server/prototype-names-are-unknown-over-every-transport.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTasks, UsageError } from '../../src/cli/args.js';
import { runCommand } from '../../src/cli/run.js';
import { Episode } from '../../src/core/episode.js';
import { BenchError } from '../../src/core/errors.js';
import { resolveTask } from '../../src/core/task-spec.js';
import { catalog, errorCode, registry } from './helpers.js';

export const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'] as const;

const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();

/** The error `f` throws; fails when it returns. */
function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error, got a value');
}

const benchCode = (e: unknown) => (e instanceof BenchError ? e.code : `not a BenchError: ${String(e)}`);

afterAll(() => {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
});

describe('names inherited from Object.prototype are unknown values in-process', () => {
  for (const name of PROTOTYPE_NAMES) {
    it(`'${name}': task id, profile, tool name, tool argument, agent name, CLI selections`, async () => {
      expect(catalog.get(name)).toBeUndefined();
      expect(benchCode(thrown(() => catalog.resolve(name)))).toBe('CB_ERR_UNKNOWN_TASK');
      expect(benchCode(thrown(() => catalog.resolve('T1_single_page', name)))).toBe('CB_ERR_UNKNOWN_PROFILE');
      const spec = catalog.get('T7_totals_trap')!;
      expect(benchCode(thrown(() => resolveTask(spec.spec, spec.hash, name)))).toBe('CB_ERR_UNKNOWN_PROFILE');

      const ep = new Episode({ task: catalog.resolve('T1_single_page'), seed: 0, episodeId: 'proto' });
      expect(errorCode(ep.runTool(name, {}))).toBe('CB_ERR_UNKNOWN_TOOL');
      // Argument objects as a JSON parser makes them: the name is an own key, which strict schemas refuse.
      const args = JSON.parse(`{"page": 1, ${JSON.stringify(name)}: 1}`) as Record<string, unknown>;
      expect(errorCode(ep.runTool('fetch_page', args))).toBe('CB_ERR_INVALID_ARGUMENT');
      expect(errorCode(ep.runTool('get_task_info', JSON.parse(`{${JSON.stringify(name)}: {}}`)))).toBe(
        'CB_ERR_INVALID_ARGUMENT',
      );
      expect(ep.done).toBe(false);

      expect(registry.get(name)).toBeUndefined();
      expect(() => parseTasks(name, catalog.ids)).toThrow(UsageError);
      const opts = {
        agent: 'reference',
        tasks: 'T1',
        seeds: '0',
        profile: 'default',
        concurrency: 1,
        progress: false,
      };
      await expect(runCommand(catalog, { ...opts, agent: name })).rejects.toThrow(UsageError);
      await expect(runCommand(catalog, { ...opts, tasks: name })).rejects.toThrow(UsageError);
      await expect(runCommand(catalog, { ...opts, profile: name })).rejects.toMatchObject({
        code: 'CB_ERR_UNKNOWN_PROFILE',
      });
    });
  }

  it('the command line refuses them as usage errors (exit 2), naming the value', () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), ...args], {
        cwd: root,
        encoding: 'utf8',
        timeout: 60_000,
      });
    const profile = cli('run', '--tasks', 'T1', '--seeds', '0', '--profile', 'constructor');
    expect(profile.status, profile.stderr).toBe(2);
    expect(profile.stderr).toContain("no profile 'constructor'");
    expect(profile.stderr).not.toContain('    at '); // a message, not a stack trace
  });
});
