/**
 * The worker side of the harness: a worker is a separate node process (a load client, or the in-process
 * and judge benchmarks) started by bench/main.ts with one JSON argument. It reports with JSON lines on
 * stdout and, when the harness must act between phases (memory), waits for command lines on stdin.
 */
import { createInterface } from 'node:readline';

export function workerArgs<T>(): T {
  const raw = process.argv[2];
  if (raw === undefined) throw new Error('a bench worker takes one JSON argument');
  return JSON.parse(raw) as T;
}

/** One JSON line to the harness. */
export function emit(event: string, data: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ event, ...data })}\n`);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Resolves with the next stdin line equal to `word`. */
export function waitFor(word: string): Promise<void> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin });
    rl.on('line', (line) => {
      if (line.trim() === word) {
        rl.close();
        resolve();
      }
    });
  });
}

/** Runs a worker's main, reporting a failure on stderr with exit code 1. */
export function runWorker(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}

/** Repeated windows of a steady load: warm up, then `runs` back-to-back windows of `windowS` seconds. */
export async function windows<T>(
  opts: { warmupS: number; windowS: number; runs: number },
  start: () => void,
  stop: () => T,
): Promise<T[]> {
  await sleep(opts.warmupS * 1000);
  const out: T[] = [];
  for (let r = 0; r < opts.runs; r++) {
    start();
    await sleep(opts.windowS * 1000);
    out.push(stop());
  }
  return out;
}
