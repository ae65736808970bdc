/** The comtradebench command line: parses a command and its flags, runs it, and maps failures to exit codes. */
import { parseArgs } from 'node:util';
import { type Config, ConfigSchema } from '../config.js';
import { DEFAULT_PROFILE } from '../core/task-spec.js';
import { AgentLabel, MAX_AGENT_LABEL } from '../env/schemas.js';
import { loadTasks } from '../env/task-catalog.js';
import { intFlag, numberFlag, optional, serverUrl, UsageError } from './args.js';
import type { BatchSelection, Io } from './batch.js';

export const USAGE = `usage:
  comtradebench run --agent <name> [--tasks all|T1,...] [--seeds a..b|list] [--profile default|llm]
                    [--repeats K] [--concurrency N] [--json FILE] [--jsonl FILE] [--trajectories FILE]
                    [--resume] [--no-progress] [--url ws://host:port|http://host:port]
                    [--server-key-env VAR]
      a scripted agent, in-process or against a live server (one /ws session per worker; a server
      with API_KEY gets the key from $VAR, default COMTRADEBENCH_API_KEY)
  comtradebench eval --base-url URL --model NAME [--api-key-env VAR] [--tasks ...] [--seeds ...]
                    [--profile llm|default] [--repeats K] [--concurrency N] [--temperature T]
                    [--max-turns N] [--max-tokens N] [--url ws://...|http://...] [--agent-label L]
                    [--json FILE] [--jsonl FILE] [--trajectories FILE] [--resume] [--no-progress]
                    [--provider-retries N] [--provider-timeout SECONDS] [--server-key-env VAR]
      a model behind any OpenAI-compatible chat-completions endpoint (API key from $VAR, default
      OPENAI_API_KEY; none needed for local servers); profile llm, 60 turns by default
  comtradebench rescore FILE [--json OUT] [--salt-env VAR]
      replays every trajectory of FILE and checks each reply and score; exit 0 all reproduced,
      3 something differs, 4 refused (other versions, or a salted trajectory without its salt in $VAR,
      default SEED_SALT)
  comtradebench serve [--host H] [--port N]   start the OpenEnv server (env: PORT, HOST, MAX_CONCURRENT_ENVS,
                    SESSION_TIMEOUT_S, LOG_LEVEL, ENABLE_WEB_INTERFACE, MAX_BODY_BYTES, SEED_SALT, TASKS_DIR)
  comtradebench tasks            list the tasks
  comtradebench agents           list the agents and their flaws
exit codes: 0 done, 1 error, 2 usage, 3 rescore differs, 4 rescore refused, 130 interrupted (Ctrl-C)
`;

/** Flags `run` and `eval` share. */
const BATCH_FLAGS = {
  tasks: { type: 'string', default: 'all' },
  seeds: { type: 'string', default: '0..9' },
  repeats: { type: 'string', default: '1' },
  concurrency: { type: 'string', default: '1' },
  json: { type: 'string' },
  jsonl: { type: 'string' },
  trajectories: { type: 'string' },
  resume: { type: 'boolean', default: false },
  'no-progress': { type: 'boolean', default: false },
  url: { type: 'string' },
  'server-key-env': { type: 'string', default: 'COMTRADEBENCH_API_KEY' },
} as const;

/** The flags `run` and `eval` share, checked. */
interface SelectionFlags {
  tasks: string;
  seeds: string;
  profile: string;
  repeats: string;
  concurrency: string;
  json?: string | undefined;
  jsonl?: string | undefined;
  trajectories?: string | undefined;
  resume: boolean;
  url?: string | undefined;
  'server-key-env': string;
}

async function selection(values: SelectionFlags, env: Io['env']): Promise<BatchSelection> {
  let connect: BatchSelection['connect'];
  if (values.url !== undefined) {
    const url = serverUrl(values.url);
    const { connectRemote } = await import('../client/ws-client.js');
    const keyEnv = values['server-key-env'];
    const apiKey = env[keyEnv] === '' ? undefined : env[keyEnv];
    const apiKeyHint = `comtradebench sends the key in $${keyEnv}${apiKey === undefined ? ', which is not set' : ''} (--server-key-env VAR reads another variable)`;
    // Agents and models read values, not the result's shape: ask for the compact one (a third of the bytes).
    connect = () => connectRemote(url, { resultFormat: 'compact', apiKey, apiKeyHint });
  }
  return {
    tasks: values.tasks,
    seeds: values.seeds,
    profile: values.profile,
    repeats: intFlag('repeats', values.repeats, 1, 1000),
    concurrency: intFlag('concurrency', values.concurrency, 1, 1024),
    json: values.json,
    jsonl: values.jsonl,
    trajectories: values.trajectories,
    resume: values.resume,
    connect,
  };
}

async function command(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  switch (name) {
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
          ...BATCH_FLAGS,
          agent: { type: 'string', default: 'reference' },
          profile: { type: 'string', default: DEFAULT_PROFILE },
        },
        strict: true,
      });
      const { runCommand } = await import('./run.js');
      return runCommand(
        loadTasks(),
        {
          ...(await selection(values, io.env)),
          agent: values.agent,
        },
        { ...io, progress: io.progress && !values['no-progress'] },
      );
    }
    case 'eval': {
      const { values } = parseArgs({
        args: rest,
        options: {
          ...BATCH_FLAGS,
          'base-url': { type: 'string' },
          model: { type: 'string' },
          'api-key-env': { type: 'string', default: 'OPENAI_API_KEY' },
          profile: { type: 'string', default: 'llm' },
          temperature: { type: 'string' },
          'max-turns': { type: 'string', default: '60' },
          'max-tokens': { type: 'string' },
          'agent-label': { type: 'string' },
          'provider-retries': { type: 'string' },
          'provider-timeout': { type: 'string' },
        },
        strict: true,
      });
      const baseUrl = values['base-url'];
      if (baseUrl === undefined || !/^https?:\/\/\S+$/.test(baseUrl))
        throw new UsageError(
          `--base-url must be the endpoint's http(s) URL, e.g. http://127.0.0.1:8000/v1, got '${baseUrl ?? ''}'`,
        );
      if (values.model === undefined || values.model.trim() === '')
        throw new UsageError('--model NAME is required (the model name the endpoint serves)');
      const label = values['agent-label'];
      if (label !== undefined && !AgentLabel.safeParse(label).success)
        throw new UsageError(
          `--agent-label must be 1 to ${MAX_AGENT_LABEL} characters, not blank, without control characters`,
        );
      const { evalCommand } = await import('./eval.js');
      return evalCommand(
        loadTasks(),
        {
          baseUrl,
          model: values.model,
          apiKeyEnv: values['api-key-env'],
          ...(await selection(values, io.env)),
          temperature: optional(values.temperature, (v) => numberFlag('temperature', v, 0, 2)),
          maxTurns: intFlag('max-turns', values['max-turns'], 1, 100_000),
          maxTokens: optional(values['max-tokens'], (v) => intFlag('max-tokens', v, 1, 10_000_000)),
          label,
          maxRetries: optional(values['provider-retries'], (v) => intFlag('provider-retries', v, 0, 100)),
          timeoutMs: optional(
            values['provider-timeout'],
            (v) => numberFlag('provider-timeout', v, 0.1, 86_400) * 1000,
          ),
        },
        { ...io, progress: io.progress && !values['no-progress'] },
      );
    }
    case 'rescore': {
      const { values, positionals } = parseArgs({
        args: rest,
        options: { json: { type: 'string' }, 'salt-env': { type: 'string', default: 'SEED_SALT' } },
        allowPositionals: true,
        strict: true,
      });
      if (positionals.length !== 1)
        throw new UsageError('rescore takes one FILE: a --trajectories file written by run or eval');
      const { rescoreCommand } = await import('./rescore.js');
      return rescoreCommand(
        loadTasks(),
        { file: positionals[0]!, json: values.json, saltEnv: values['salt-env'] },
        io,
      );
    }
    case 'tasks': {
      const catalog = loadTasks();
      for (const id of catalog.ids) {
        const t = catalog.resolve(id);
        io.out(`${id.padEnd(24)} ${t.challenge.padEnd(20)} ${t.title}\n`);
      }
      return 0;
    }
    case 'agents': {
      const { agents } = await import('../agents/index.js');
      for (const a of agents(loadTasks()).values()) io.out(`${a.name.padEnd(18)} ${a.description}\n`);
      return 0;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(USAGE);
      return name === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command '${name}'`);
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

/** Runs one command line; returns its exit code (failures are reported on io.err). */
export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  try {
    return await command(argv, io);
  } catch (err) {
    if (
      err instanceof UsageError ||
      (err instanceof Error && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      io.err(`comtradebench: ${err.message}\n${USAGE}`);
      return 2;
    }
    if (err instanceof Error && ['RemoteEnvError', 'BenchError', 'LinesError'].includes(err.name)) {
      io.err(`comtradebench: ${err.message}\n`);
      return 1;
    }
    const { OpenAIError } = await import('openai');
    if (err instanceof OpenAIError) {
      // A provider error the SDK gave up on (authentication, a bad model name, retries exhausted).
      io.err(`comtradebench: the model endpoint failed: ${err.message}\n`);
      return 1;
    }
    io.err(`comtradebench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}
