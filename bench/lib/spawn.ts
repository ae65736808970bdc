/**
 * Child processes of the harness, each pinned to one core with `taskset -c` and started through a shell
 * that raises its open-files limit to the hard limit (10,000 sessions need 10,000 sockets on each side):
 * - servers: the built server (`node dist/src/server/main.js`, configured by env vars as in production)
 *   or the floor (bench/floor-server.ts), ready once GET /health answers;
 * - workers: bench/workers/*.ts through `node --import tsx`, one JSON argument, JSON lines back.
 * Every child is killed if the harness exits early.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** argv for a pinned command with the open-files limit raised. */
function pinned(cpu: number, argv: string[]): [string, string[]] {
  return [
    'bash',
    ['-c', 'ulimit -n "$(ulimit -Hn)"; exec "$@"', 'bash', 'taskset', '-c', String(cpu), ...argv],
  ];
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Server {
  readonly label: string;
  readonly pid: number;
  readonly url: string;
  readonly logFile: string;
  /** ws:// URL of the V8 inspector (only when started with inspect). */
  readonly inspectorUrl: string | null;
  stop(): Promise<void>;
}

export interface ServerOptions {
  readonly label: string;
  readonly kind: 'real' | 'floor';
  readonly cpu: number;
  readonly env?: Record<string, string>;
  readonly logDir: string;
  /** Write a V8 CPU profile of this server to this folder when it exits. */
  readonly profileDir?: string | undefined;
  /** Open the V8 inspector on an ephemeral port (used to force a GC before reading RSS). */
  readonly inspect?: boolean;
}

/**
 * The node flags the server is deployed with: BENCH_SERVER_NODE_FLAGS if set, else the flags of the
 * Dockerfile's CMD (e.g. --max-semi-space-size=64), so the harness runs the server as the image does.
 */
export function serverNodeFlags(): string[] {
  const env = process.env.BENCH_SERVER_NODE_FLAGS;
  if (env !== undefined) return env.split(/\s+/).filter((f) => f !== '');
  try {
    const cmds = [...readFileSync(join(ROOT, 'Dockerfile'), 'utf8').matchAll(/^CMD\s+(\[.*\])\s*$/gm)];
    const argv = JSON.parse(cmds[cmds.length - 1]![1]!) as string[];
    if (argv[0] !== 'node') return [];
    return argv.slice(1, argv.indexOf('dist/src/server/main.js')).filter((f) => f.startsWith('--'));
  } catch {
    return [];
  }
}

function nodeFlags(o: { profileDir?: string | undefined; inspect?: boolean }): string[] {
  const f: string[] = [];
  if (o.profileDir !== undefined) f.push('--cpu-prof', `--cpu-prof-dir=${o.profileDir}`);
  if (o.inspect) f.push('--inspect=127.0.0.1:0');
  return f;
}

export async function startServer(o: ServerOptions): Promise<Server> {
  const port = await freePort();
  const logFile = join(o.logDir, `${o.label}.log`);
  const fd = openSync(logFile, 'w');
  const entry =
    o.kind === 'real'
      ? [...serverNodeFlags(), join(ROOT, 'dist/src/server/main.js')]
      : ['--import', 'tsx', join(ROOT, 'bench/floor-server.ts')];
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    HOST: '127.0.0.1',
    PORT: String(port),
    FLOOR_HOST: '127.0.0.1',
    FLOOR_PORT: String(port),
    ...o.env,
  };
  const [cmd, args] = pinned(o.cpu, ['node', ...nodeFlags(o), ...entry]);
  const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  children.add(child);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${o.label} exited before it was ready:\n${log().slice(-2000)}`);
    try {
      const r = await fetch(`${url}/health`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${o.label} did not answer /health within 30 s:\n${log().slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const inspectorUrl = o.inspect ? (/Debugger listening on (ws:\/\/\S+)/.exec(log())?.[1] ?? null) : null;
  return {
    label: o.label,
    pid: child.pid!,
    url,
    logFile,
    inspectorUrl,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(t);
      }
      children.delete(child);
    },
  };
}

export interface WorkerEvent {
  readonly event: string;
  readonly [k: string]: unknown;
}

export interface WorkerOptions {
  readonly cpu: number;
  readonly timeoutS: number;
  readonly profileDir?: string | undefined;
  /** Called for every JSON line; `send` writes a command line to the worker's stdin. */
  readonly onEvent?: (e: WorkerEvent, send: (line: string) => void) => void | Promise<void>;
}

/** Runs bench/workers/<name>.ts to completion; resolves with its `result` event. */
export function runWorker(name: string, args: unknown, o: WorkerOptions): Promise<WorkerEvent> {
  const script = join(ROOT, 'bench/workers', `${name}.ts`);
  const [cmd, argv] = pinned(o.cpu, [
    'node',
    ...nodeFlags(o),
    '--import',
    'tsx',
    script,
    JSON.stringify(args),
  ]);
  const child = spawn(cmd, argv, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const send = (line: string) => child.stdin!.write(`${line}\n`);
  let result: WorkerEvent | null = null;
  let pending: Promise<void> = Promise.resolve();
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let e: WorkerEvent;
    try {
      e = JSON.parse(line) as WorkerEvent;
    } catch {
      return;
    }
    if (e.event === 'result') result = e;
    if (o.onEvent) pending = pending.then(() => o.onEvent!(e, send));
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`worker ${name} timed out after ${o.timeoutS} s\n${stderr}`));
    }, o.timeoutS * 1000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      void pending.then(() => {
        if (code === 0 && result !== null) resolve(result);
        else if (code === 0 && o.onEvent) resolve({ event: 'done' });
        else reject(new Error(`worker ${name} failed (${code ?? signal}):\n${stderr.trim()}`));
      });
    });
  });
}
