/**
 * npm run bench [-- --json FILE] [--quick] [--only section,...] [--runs N] [--profile DIR]
 *
 * The performance harness (method and figures: docs/performance.md). The server under test is the built code
 * (`node dist/src/server/main.js`, rebuilt first when src/ is newer than dist/), pinned to core 0 with
 * taskset; load clients are separate node processes pinned to core 1; the harness itself sits on core 1 and
 * idles while a load runs. Every figure is the median and range (min–max) over repeated runs; load figures
 * carry the server's and the client's CPU% over the same window (/proc/<pid>/stat utime + stime). A ratio to
 * the floor is void when the load client was more than 90 % busy (median over runs) in our run or the floor's.
 *
 * Sections (--only), one file each under bench/sections/: inprocess, judge, ws-episodes, ws-steps and http
 * (small-steps.ts), memory. The floor (bench/floor-server.ts) runs inside ws-episodes, ws-steps and http, with
 * the same clients, between our runs. Shared harness: bench/lib/ (plan.ts, harness.ts, targets.ts, ...).
 * --profile DIR writes a V8 CPU profile of each server (and of the inprocess and judge workers) under DIR
 * and prints the top self-time functions; figures taken with --profile are perturbed by the profiler.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadTasks } from '../src/env/task-catalog.js';
import { ensureBuilt, git, newestSrcMs } from './lib/build.js';
import { CLIENT_CPU, type Harness, type Results, SERVER_CPU } from './lib/harness.js';
import { plan, type Section, SECTIONS } from './lib/plan.js';
import { machine, waitQuiet } from './lib/proc.js';
import { profilesIn, type ProfileSummary, summariseProfile } from './lib/profile.js';
import { fmt, printTable, printTargets } from './lib/report.js';
import { serverNodeFlags } from './lib/spawn.js';
import { targets } from './lib/targets.js';
import { inprocess } from './sections/inprocess.js';
import { judgeSection } from './sections/judge.js';
import { memory } from './sections/memory.js';
import { smallSteps } from './sections/small-steps.js';
import { wsEpisodes } from './sections/ws-episodes.js';

/** Before each section, wait up to QUIET_MAX_S for the rest of the machine to use < QUIET_PCT % CPU. */
const QUIET_PCT = 15;
const QUIET_MAX_S = 90;

// ---------------------------------------------------------------------------------------------------------
// Options

interface Options {
  json: string | null;
  quick: boolean;
  only: Set<Section>;
  runs: number | null;
  profile: string | null;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { json: null, quick: false, only: new Set(SECTIONS), runs: null, profile: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--json') o.json = resolve(value());
    else if (a === '--quick') o.quick = true;
    else if (a === '--runs') o.runs = Number(value());
    else if (a === '--profile') o.profile = resolve(value());
    else if (a === '--only') {
      const names = value()
        .split(',')
        .map((s) => s.trim());
      for (const n of names)
        if (!(SECTIONS as readonly string[]).includes(n))
          throw new Error(`--only: unknown section '${n}'; sections: ${SECTIONS.join(', ')}`);
      o.only = new Set(names as Section[]);
    } else if (a === '--help' || a === '-h') {
      process.stdout.write(
        `npm run bench [-- --json FILE] [--quick] [--only ${SECTIONS.join(',')}] [--runs N] [--profile DIR]\n`,
      );
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  if (o.runs !== null && !(Number.isInteger(o.runs) && o.runs >= 1))
    throw new Error('--runs takes an integer ≥ 1');
  return o;
}

// ---------------------------------------------------------------------------------------------------------
// Main

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const p = plan(o.quick, o.runs);
  const t0 = Date.now();
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(CLIENT_CPU), String(process.pid)], { stdio: 'ignore' });
  } catch {
    process.stderr.write('bench: cannot pin the harness with taskset\n');
  }
  const build = ensureBuilt();
  const srcAtStart = newestSrcMs();
  const provenance = { ...git(), rebuilt: build.rebuilt };
  const logDir = mkdtempSync(join(tmpdir(), 'comtradebench-bench-'));
  const profileRoot = o.profile;
  if (profileRoot !== null) {
    rmSync(profileRoot, { recursive: true, force: true });
    mkdirSync(profileRoot, { recursive: true });
  }
  const ids = loadTasks().ids;
  const m = machine();
  const load0 = loadavg();
  process.stdout.write(
    `ComtradeBench performance — ${m.cores} cores (${m.cpu_model}), node ${m.node}, ${m.platform}; ` +
      `git ${provenance.head}${provenance.dirty_src_files > 0 ? ` + ${provenance.dirty_src_files} uncommitted src/tasks files` : ''}; ` +
      `${o.quick ? 'quick, ' : ''}${p.runs} runs per figure; server (node ${[...serverNodeFlags(), 'dist/src/server/main.js'].join(' ')}) ` +
      `on core ${SERVER_CPU}, clients on core ${CLIENT_CPU}\n`,
  );

  const out: Results = { rows: [], raw: {}, errors: {} };
  const h: Harness = { p, out, ids, logDir, profileRoot };
  const quiet: Record<string, number> = {};
  const step = async (name: string, fn: () => Promise<void>) => {
    // The machine may be shared: wait (a bounded time) for other processes to go quiet first.
    const q = await waitQuiet(QUIET_PCT, QUIET_MAX_S);
    quiet[name] = q.otherPct;
    if (q.otherPct >= QUIET_PCT)
      process.stderr.write(
        `bench: WARNING: other processes use ${q.otherPct.toFixed(0)}% CPU; ${name} will be noisy\n`,
      );
    const s = Date.now();
    process.stderr.write(`bench: ${name} ...`);
    try {
      await fn();
      process.stderr.write(` ${((Date.now() - s) / 1000).toFixed(0)} s\n`);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      out.errors[name] = msg;
      process.stderr.write(` FAILED\n${msg}\n`);
    }
  };
  if (o.only.has('inprocess')) await step('inprocess', () => inprocess(h));
  if (o.only.has('judge')) await step('judge', () => judgeSection(h));
  if (o.only.has('ws-episodes')) await step('ws-episodes', () => wsEpisodes(h));
  if (o.only.has('ws-steps') || o.only.has('http'))
    await step('ws-steps/http', () =>
      smallSteps(h, { ws: o.only.has('ws-steps'), http: o.only.has('http') }),
    );
  if (o.only.has('memory')) await step('memory', () => memory(h));

  const ran = new Set([...o.only].filter((s) => !Object.keys(out.errors).some((e) => e.includes(s))));
  const verdicts = targets(out.rows, out.raw, ran);
  process.stdout.write(`${printTable(out.rows)}\n`);
  process.stdout.write(`${printTargets(verdicts)}\n`);
  for (const [k, v] of Object.entries(out.errors))
    process.stdout.write(`ERROR in ${k}: ${v.split('\n')[0]}\n`);

  const profiles: Record<string, ProfileSummary> = {};
  if (profileRoot !== null) {
    for (const label of readdirSync(profileRoot).sort()) {
      // One profile per process and thread: keep the main thread's (the busiest; tsx adds a loader thread).
      const all = profilesIn(join(profileRoot, label)).map((f) => summariseProfile(f));
      if (all.length === 0) continue;
      const s = all.sort((a, b) => b.busy_ms - a.busy_ms)[0]!;
      profiles[label] = s;
      const isClient = label.startsWith('client-');
      process.stdout.write(
        `\nprofile ${label}: ${fmt(s.busy_ms)} ms busy of ${fmt(s.total_ms)} ms (${s.file})\n`,
      );
      const areas = s.areas.slice(0, 8).map((a) => `${a.area} ${a.pct.toFixed(1)}%`);
      process.stdout.write(`  areas: ${areas.join(', ')}\n`);
      for (const h of s.top.slice(0, isClient ? 6 : 15))
        process.stdout.write(`  ${h.pct.toFixed(1).padStart(5)}%  ${h.fn}  ${h.where}\n`);
    }
  }
  const srcChanged = newestSrcMs() !== srcAtStart;
  const durationS = (Date.now() - t0) / 1000;
  const load1 = loadavg();
  process.stdout.write(
    `\n${durationS.toFixed(0)} s; load average ${load0[0]!.toFixed(2)} at start, ${load1[0]!.toFixed(2)} at the end` +
      `${srcChanged ? '; WARNING: src/ changed during the run (workers run src/ through tsx, servers run dist/)' : ''}\n`,
  );
  if (o.json !== null) {
    writeFileSync(
      o.json,
      `${JSON.stringify(
        {
          machine: m,
          provenance: { ...provenance, src_changed_during_run: srcChanged },
          started_at: new Date(t0).toISOString(),
          duration_s: durationS,
          loadavg: { start: load0, end: load1 },
          other_cpu_before_sections: quiet,
          options: { quick: o.quick, runs: p.runs, only: [...o.only], profile: o.profile },
          server_node_flags: serverNodeFlags(),
          plan: p,
          rows: out.rows,
          targets: verdicts,
          errors: out.errors,
          profiles,
          raw: out.raw,
        },
        null,
        2,
      )}\n`,
    );
    process.stdout.write(`results written to ${o.json}\n`);
  }
  if (Object.keys(out.errors).length > 0) {
    process.stdout.write(`server logs kept in ${logDir}\n`);
    process.exitCode = 1;
  } else rmSync(logDir, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
