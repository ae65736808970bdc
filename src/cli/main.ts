#!/usr/bin/env node
/** The comtradebench command line. */
import { parseArgs } from 'node:util';
import { DEFAULT_PROFILE } from '../core/task-spec.js';
import { loadTasks } from '../task-catalog.js';
import { UsageError } from './args.js';
import { runCommand } from './run.js';

const USAGE = `usage:
  comtradebench run --agent <name> --tasks <all|T1_single_page,...> --seeds <a..b|list>
                    [--profile default|llm] [--json FILE] [--jsonl FILE] [--concurrency N] [--no-progress]
  comtradebench tasks            list the tasks
  comtradebench agents           list the agents and their flaws
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const catalog = loadTasks();
  switch (command) {
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
        },
        strict: true,
      });
      const concurrency = Number(values.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1024) {
        throw new UsageError(`--concurrency must be an integer from 1 to 1024, got '${values.concurrency}'`);
      }
      await runCommand(catalog, {
        agent: values.agent,
        tasks: values.tasks,
        seeds: values.seeds,
        profile: values.profile,
        json: values.json,
        jsonl: values.jsonl,
        concurrency,
        progress: !values['no-progress'] && process.stderr.isTTY === true,
      });
      return 0;
    }
    case 'tasks':
      for (const id of catalog.ids) {
        const t = catalog.resolve(id);
        process.stdout.write(`${id.padEnd(24)} ${t.challenge.padEnd(20)} ${t.title}\n`);
      }
      return 0;
    case 'agents': {
      const { agents } = await import('../agents/index.js');
      for (const a of agents(catalog).values()) process.stdout.write(`${a.name.padEnd(18)} ${a.description}\n`);
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

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError || (err instanceof Error && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`comtradebench: ${err.message}\n${USAGE}`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`comtradebench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    }
  },
);
