/**
 * One hostile run, whatever the transport: lanes send inputs until the run's quota is used up, bystanders
 * step through the run, /health is asked every 250 inputs, and at the end the run reports everything the
 * suite's properties need (problems with replies, unhandled errors, prototype changes, /health answers,
 * bystander differences). Each test file drives its transport's lanes; a file's inputs are split into
 * several runs (one test each) so that every test stays short.
 */
import { expect } from 'vitest';
import { beside, type BystanderRun, differences, type Exchange, Pacer } from './bystanders.js';
import { Problems, prototypeChanges, prototypeSnapshot, Unhandled } from './checks.js';

const HEALTH_EVERY = 250;

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
