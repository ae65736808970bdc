/**
 * Every lookup keyed by client text is an own-property lookup: names that every plain object inherits
 * (`constructor`, `__proto__`, `toString`, `hasOwnProperty`, `valueOf`) are unknown values with the typed
 * error of what was named (task, profile, tool, agent, argument), never a crash or a hit on Object.prototype.
 * In-process entry points here; the transports in test/server/prototype-names-are-unknown-over-every-transport.test.ts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { parseTasks, UsageError } from '../../src/cli/args.js';
import { runCli } from '../../src/cli/program.js';
import { Episode } from '../../src/core/episode.js';
import { BenchError } from '../../src/core/errors.js';
import { resolveTask } from '../../src/core/task-spec.js';
import { InProcessEnv } from '../../src/env/in-process.js';
import { captureIo } from '../eval/helpers.js';
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
    it(`'${name}': task id, profile, tool name, tool argument, agent name, command-line names`, async () => {
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
      // The in-process environment (what run and eval drive): the same typed errors as the wire.
      const env = new InProcessEnv(catalog);
      await expect(env.reset({ task_id: 'T1_single_page', seed: 0, profile: name })).rejects.toMatchObject({
        code: 'CB_ERR_UNKNOWN_PROFILE',
      });
      await env.reset({ task_id: 'T1_single_page', seed: 0 });
      expect((await env.callTool(name, {})).error?.code).toBe('CB_ERR_UNKNOWN_TOOL');

      expect(registry.get(name)).toBeUndefined();
      expect(() => parseTasks(name, catalog.ids)).toThrow(UsageError);
      // The command line, in this process: each is a usage error (exit 2) naming the value.
      const usage: Array<[string[], string]> = [
        [[name], `unknown command '${name}'`],
        [['run', '--agent', name, '--tasks', 'T1', '--seeds', '0'], `unknown agent '${name}'`],
        [['run', '--tasks', name, '--seeds', '0'], `unknown task '${name}'`],
        [['run', '--tasks', 'T1', '--seeds', '0', '--profile', name], `no profile '${name}'`],
        [
          ['eval', '--base-url', 'http://127.0.0.1:9/v1', '--model', 'm', '--profile', name],
          `no profile '${name}'`,
        ],
        [['run', `--${name}`], `'--${name}'`],
      ];
      for (const [argv, named] of usage) {
        const io = captureIo();
        expect(await runCli(argv, io), argv.join(' ')).toBe(2);
        expect(io.stderr, argv.join(' ')).toContain(named);
      }
    });
  }
});
