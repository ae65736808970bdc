import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/*
 * `npm test` runs every file under test/ with a sample of seeds; `npm run test:sweep` runs test/core again
 * with CB_TEST_SWEEP=1, where seeded properties take every seed of the sweep (SEEDS in
 * test/core/helpers.ts).
 *
 * Files share one module graph per worker (isolate: false): importing the project, Fastify, the MCP SDK and
 * the openai client once per worker instead of once per file removes most of the suite's CPU time. The
 * project keeps no module state but memos of pure values, so a file that changed another's results would
 * fail rather than pass (the golden-hash and determinism tests run in the same workers); every file must
 * also pass alone (`npx vitest run <file>`).
 *
 * test/core (CPU-bound seed loops) runs first, its files in parallel on every core (vitest's default leaves
 * one core idle); then the other files (servers, sockets, child processes, timeouts) one at a time, which is
 * faster for them than two at once on two cores and keeps their timeouts away from the seed loops.
 */
export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'threads',
    maxWorkers: Math.max(2, availableParallelism()),
    isolate: false,
    projects: [
      {
        extends: true,
        test: { name: 'core', include: ['test/core/**/*.test.ts'], sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: {
          name: 'others',
          include: ['test/**/*.test.ts'],
          // test/browser/ drives Chromium: npm run test:browser (vitest.browser.config.ts).
          exclude: ['test/core/**', 'test/browser/**'],
          sequence: { groupOrder: 1 },
          maxWorkers: 1,
        },
      },
    ],
  },
});
