/**
 * One hostile run, whatever the transport: lanes send inputs until the run's quota is used up, bystanders
 * step through the run, /health is asked every 250 inputs, and at the end the run reports everything the
 * suite's properties need (problems with replies, unhandled errors, prototype changes, /health answers,
 * bystander differences). Each test file drives its transport's lanes; a file's inputs are split into
 * several runs (one test each) so that every test stays short.
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Config } from '../../src/config.js';
import { buildApp } from '../../src/server/app.js';
import { catalog, listen } from '../server/helpers.js';
import { alone, beside, type BystanderRun, differences, type Exchange, Pacer } from './bystanders.js';
import { Problems, prototypeChanges, prototypeSnapshot, Unhandled } from './checks.js';
import type { HostileSocket } from './sockets.js';

const HEALTH_EVERY = 250;

/** The app under attack (listening on an ephemeral port) and the bystanders' run alone on a fresh one. */
export interface Target {
  readonly app: FastifyInstance;
  /** ws://127.0.0.1:port once listening. */
  base: string;
  baseline: BystanderRun[];
}

/** Builds the target for a test file (before all its tests) and closes it after them. */
export function target(
  config: Config,
  bystander: (app: FastifyInstance, base: string) => Promise<Exchange>,
): Target {
  const t: Target = { app: buildApp(config, { catalog }), base: '', baseline: [] };
  beforeAll(async () => {
    t.base = await listen(t.app);
    const fresh = buildApp(config, { catalog });
    const freshBase = await listen(fresh);
    t.baseline = await alone(() => bystander(fresh, freshBase));
    await fresh.close();
  });
  afterAll(() => t.app.close());
  return t;
}

/** The shared state of a run's lanes. */
export class Run {
  sent = 0;
  healthy = 0;
  private healthDue = HEALTH_EVERY;

  constructor(
    readonly quota: number,
    readonly problems: Problems,
    private readonly pacer: Pacer,
    private readonly health: () => Promise<boolean>,
  ) {}

  /** Reserves `n` inputs; false once the quota is used up (the lane stops). */
  take(n = 1): boolean {
    if (this.sent >= this.quota) return false;
    this.sent += n;
    return true;
  }

  /** After inputs were answered: lets bystanders step, and asks /health when due. */
  async answered(n = 1): Promise<void> {
    for (let i = 0; i < n; i++) this.pacer.tick();
    if (this.sent < this.healthDue) return;
    this.healthDue += HEALTH_EVERY;
    if (await this.health()) this.healthy += 1;
    else this.problems.add('/health did not answer {"status":"healthy"}', '');
  }
}

export interface RunReport {
  readonly problems: string[];
  readonly unhandled: string[];
  readonly prototypes: string[];
  readonly bystanders: string[];
  readonly healthy: number;
  readonly sent: number;
}

export async function hostileRun(o: {
  readonly inputs: number;
  readonly lanes: number;
  readonly baseline: readonly BystanderRun[];
  readonly bystander: () => Promise<Exchange>;
  readonly health: () => Promise<boolean>;
  readonly lane: (index: number, run: Run) => Promise<void>;
}): Promise<RunReport> {
  const before = prototypeSnapshot();
  const unhandled = new Unhandled().install();
  const problems = new Problems();
  const pacer = new Pacer();
  const run = new Run(o.inputs, problems, pacer, o.health);
  const bystanders = beside(o.bystander, pacer, o.inputs, o.baseline);
  try {
    await Promise.all(Array.from({ length: o.lanes }, (_, i) => o.lane(i, run)));
  } finally {
    pacer.finish();
  }
  const runs = await bystanders;
  unhandled.uninstall();
  return {
    problems: problems.list,
    unhandled: unhandled.seen,
    prototypes: prototypeChanges(before, prototypeSnapshot()),
    bystanders: differences(runs, o.baseline),
    healthy: run.healthy,
    sent: run.sent,
  };
}

/** The properties every run must keep. */
export function expectClean(r: RunReport, inputs: number): void {
  expect(r.problems).toEqual([]);
  expect(r.unhandled).toEqual([]);
  expect(r.prototypes).toEqual([]);
  expect(r.bystanders).toEqual([]);
  expect(r.sent).toBeGreaterThanOrEqual(inputs);
  expect(r.healthy).toBe(Math.floor(r.sent / HEALTH_EVERY));
}

/** A lane of app.inject requests: `make` draws each request, `check` says what is wrong with its reply. */
export async function injectLane<I extends { readonly options: InjectOptions; readonly shown: string }>(
  app: FastifyInstance,
  run: Run,
  make: () => I,
  check: (input: I, res: LightMyRequestResponse) => string | null,
): Promise<void> {
  while (run.take()) {
    const input = make();
    try {
      const problem = check(input, await app.inject(input.options));
      if (problem !== null) run.problems.add(problem, input.shown);
    } catch (e) {
      run.problems.add(`inject threw: ${String(e)}`, input.shown);
    }
    await run.answered();
  }
}

export interface Frame {
  readonly data: string | Buffer;
  readonly binary: boolean;
}
export const textFrame = (data: string | Buffer): Frame => ({ data, binary: false });

/** What a WebSocket lane's scenarios can do: send frames at once (each outcome checked), or send and drop. */
export interface SocketIo {
  /** Sends the frames at once and checks their outcomes; false once the run's quota is used up. */
  send(frames: readonly Frame[]): Promise<boolean>;
  /** Sends one frame and drops the connection before any reply; false once the quota is used up. */
  drop(frame: Frame): Promise<boolean>;
}

/**
 * A lane over one WebSocket at a time (reopened whenever it closes): `scenario` runs again and again until
 * the run's quota is used up; `check` reads the outcome of each batch of frames sent at once.
 */
export async function socketLane(
  run: Run,
  open: () => Promise<HostileSocket>,
  check: (run: Run, ws: HostileSocket, frames: readonly Frame[]) => Promise<void>,
  scenario: (io: SocketIo) => Promise<boolean>,
): Promise<void> {
  let ws: HostileSocket | null = null;
  const io: SocketIo = {
    send: async (frames) => {
      if (!run.take(frames.length)) return false;
      for (const f of frames) ws!.send(f.data, f.binary);
      await check(run, ws!, frames);
      await run.answered(frames.length);
      return true;
    },
    drop: async (frame) => {
      if (!run.take()) return false;
      ws!.send(frame.data, frame.binary);
      ws!.terminate();
      await run.answered();
      return true;
    },
  };
  for (;;) {
    if (ws === null || ws.closed) ws = await open();
    if (!(await scenario(io))) break;
  }
  ws?.terminate();
}
