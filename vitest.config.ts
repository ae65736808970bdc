import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/*
 * `npm test` runs every file under test/ with a sample of seeds; `npm run test:sweep` runs test/core again
 * with CB_TEST_SWEEP=1, where seeded properties take every seed of the sweep (SEEDS in
 * test/core/helpers.ts).
 *
 * Test files run in parallel on every core (vitest's default leaves one idle: one file at a time on two
 * cores). test/core shares one module graph per worker (isolate: false): the core keeps no process-global
 * state, so a file that changed another's results would fail (the golden-hash and determinism tests run in
 * the same workers), and importing the project once per worker instead of once per file saves most of the
 * import time. Everything else (servers, sockets, fake timers) keeps a fresh module graph per file, and runs
 * after test/core (groupOrder), so that timing-bound transport tests do not run beside the suite's own
 * CPU-bound seed loops.
 */
export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'threads',
    maxWorkers: Math.max(2, availableParallelism()),
    projects: [
      {
        extends: true,
        test: {
          name: 'core',
          include: ['test/core/**/*.test.ts'],
          isolate: false,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'isolated',
          include: ['test/**/*.test.ts'],
          exclude: ['test/core/**'],
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
