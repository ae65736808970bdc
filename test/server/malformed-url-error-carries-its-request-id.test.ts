/**
 * A reply to a request Fastify refuses before routing (a malformed URL) carries the same request id in its
 * body and in the x-request-id header, like every other error reply (README, Server section).
 */
import { afterAll, it } from 'vitest';
import { buildApp } from '../../src/server/app.js';
import { call, catalog, expectError, testConfig } from './helpers.js';

const app = buildApp(testConfig(), { catalog });
afterAll(() => app.close());

it('a malformed URL is a 404 CB_ERR_NOT_FOUND whose request_id is the x-request-id header', async () => {
  for (const url of ['/%ZZ', '/%E0%A4%A', '/reset%']) {
    expectError(await call(app, 'GET', url), 404, 'CB_ERR_NOT_FOUND');
  }
});
