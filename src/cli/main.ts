#!/usr/bin/env node
/** The comtradebench command line. */
import { parseArgs } from 'node:util';
import { type Config, ConfigSchema } from '../config.js';
import { BenchError } from '../core/errors.js';
import { DEFAULT_PROFILE } from '../core/task-spec.js';
import { loadTasks } from '../env/task-catalog.js';
import { UsageError } from './args.js';
import { runCommand } from './run.js';

const USAGE = `usage:
  comtradebench run --agent <name> --tasks <all|T1_single_page,...> --seeds <a..b|list>
                    [--profile default|llm] [--json FILE] [--jsonl FILE] [--concurrency N] [--no-progress]
                    [--url ws://host:port]   run against a live server over /ws (one session per worker)
  comtradebench serve [--host H] [--port N]   start the OpenEnv server (env: PORT, HOST, MAX_CONCURRENT_ENVS,
                    SESSION_TIMEOUT_S, LOG_LEVEL, ENABLE_WEB_INTERFACE, MAX_BODY_BYTES, SEED_SALT, TASKS_DIR)
  comtradebench tasks            list the tasks
  comtradebench agents           list the agents and their flaws
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve': {
      const { values } = parseArgs({
        args: rest,
        options: { host: { type: 'string' }, port: { type: 'string' } },
        strict: true,
      });
      const overrides: Record<string, string> = {};
      if (values.host !== undefined) overrides.HOST = values.host;
      if (values.port !== undefined) overrides.PORT = values.port;
      const { serveOrExit } = await import('../server/main.js');
      await serveOrExit(parseOverrides(overrides));
      return 0;
    }
    case 'run': {
      const { values } = parseArgs({
        args: rest,
        options: {
          agent: { type: 'string', default: 'reference' },
          tasks: { type: 'string', default: 'all' },
          seeds: { type: 'string', default: '0..9' },
          profile: { type: 'string', default: DEFAULT_PROFILE },
          json: { type: 'string' },
          jsonl: { type: 'string' },
          concurrency: { type: 'string', default: '1' },
          'no-progress': { type: 'boolean', default: false },
          url: { type: 'string' },
        },
        strict: true,
      });
      const concurrency = Number(values.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1024) {
        throw new UsageError(`--concurrency must be an integer from 1 to 1024, got '${values.concurrency}'`);
      }
      const url = values.url;
      const { connectRemote } = await import('../client/ws-client.js');
      await runCommand(loadTasks(), {
        agent: values.agent,
        tasks: values.tasks,
        seeds: values.seeds,
        profile: values.profile,
        json: values.json,
        jsonl: values.jsonl,
        concurrency,
        // Agents read values, not the result's shape: ask for the compact one (a third of the bytes).
        connect: url === undefined ? undefined : () => connectRemote(url, { resultFormat: 'compact' }),
        progress: !values['no-progress'] && process.stderr.isTTY === true,
      });
      return 0;
    }
    case 'tasks': {
      const catalog = loadTasks();
      for (const id of catalog.ids) {
        const t = catalog.resolve(id);
        process.stdout.write(`${id.padEnd(24)} ${t.challenge.padEnd(20)} ${t.title}\n`);
      }
      return 0;
    }
    case 'agents': {
      const { agents } = await import('../agents/index.js');
      for (const a of agents(loadTasks()).values())
        process.stdout.write(`${a.name.padEnd(18)} ${a.description}\n`);
      return 0;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

/** --host/--port as config overrides, checked by the same schema as the environment variables (only those given). */
function parseOverrides(raw: Record<string, string>): Partial<Config> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const field = ConfigSchema.shape[key as 'HOST' | 'PORT'];
    const parsed = field.safeParse(value);
    if (!parsed.success)
      throw new UsageError(`bad --${key.toLowerCase()} '${value}': ${parsed.error.issues[0]?.message}`);
    out[key] = parsed.data;
  }
  return out as Partial<Config>;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (
      err instanceof UsageError ||
      (err instanceof Error && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      process.stderr.write(`comtradebench: ${err.message}\n${USAGE}`);
      process.exitCode = 2;
    } else if (err instanceof BenchError) {
      // A selection the catalogue refuses (unknown task or profile): a usage error with its typed code.
      process.stderr.write(`comtradebench: ${err.code}: ${err.message}\n`);
      process.exitCode = 2;
    } else if (err instanceof Error && err.name === 'RemoteEnvError') {
      process.stderr.write(`comtradebench: ${err.message}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(
        `comtradebench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      process.exitCode = 1;
    }
  },
);
