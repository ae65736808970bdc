/** The sections of npm run bench and the plan of a run: runs per figure, window lengths, session counts. */

export const SECTIONS = ['inprocess', 'judge', 'ws-episodes', 'ws-steps', 'http', 'memory'] as const;
export type Section = (typeof SECTIONS)[number];

/** Durations and sizes: the default run takes about 7 minutes on this machine, --quick under 2. */
export function plan(quick: boolean, runsOverride: number | null) {
  const runs = runsOverride ?? (quick ? 3 : 5);
  return quick
    ? {
        runs,
        inprocess: { mixedWindowS: 0.5, taskWindowS: 0.1, warmupS: 0.8 },
        judge: { reps: 30, warmupReps: 15 },
        wsEpisodes: {
          windowS: 0.4,
          warmupS: 0.3,
          rewarmS: 0.2,
          seedsPerTask: 5,
          sessions: [1, 16, 64],
          replaySessions: [16],
          recordSessions: 16,
        },
        wsSteps: { windowS: 0.4, warmupS: 0.5, rewarmS: 0.2, sessions: [1, 64], resetEvery: 300 },
        http: { windowS: 0.4, warmupS: 1, rewarmS: 0.2, connections: 16, resetEvery: 300 },
        memory: { idle: 10_000, active: 1_000, runs: Math.min(runs, 1), batch: 256, warmup: 200 },
      }
    : {
        runs,
        inprocess: { mixedWindowS: 1.5, taskWindowS: 0.4, warmupS: 2 },
        judge: { reps: 100, warmupReps: 40 },
        wsEpisodes: {
          windowS: 1.5,
          warmupS: 1,
          rewarmS: 0.3,
          seedsPerTask: 30,
          sessions: [1, 16, 64],
          replaySessions: [16, 64],
          recordSessions: 16,
        },
        wsSteps: { windowS: 2, warmupS: 1.5, rewarmS: 0.3, sessions: [1, 64], resetEvery: 300 },
        http: { windowS: 2, warmupS: 1.5, rewarmS: 0.3, connections: 16, resetEvery: 300 },
        memory: { idle: 10_000, active: 1_000, runs, batch: 256, warmup: 200 },
      };
}
export type Plan = ReturnType<typeof plan>;
