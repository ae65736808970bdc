import { defineConfig } from 'vitest/config';

/*
 * `npm run test:browser`: the /web page in Debian's Chromium (test/browser/, playwright-core). Not part of
 * `npm test`: it needs a browser on the machine and takes a few seconds to start one; .ci/run installs
 * Chromium when it is missing and runs it after `npm test`. Without Chromium the files skip (unless
 * CB_REQUIRE_BROWSER=1, as in .ci/run, where they fail instead).
 */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'threads',
    maxWorkers: 1,
  },
});
