import { buildApp } from './src/server/app.js';
import { loadConfig } from './src/config.js';
const show = (label: string, r: any) => {
  const h = ['x-episode-token', 'retry-after', 'www-authenticate'].filter((k) => r.headers[k] !== undefined).map((k) => `${k}: ${r.headers[k]}`);
  console.log(`${label}\n< ${r.statusCode}${h.length ? ` (${h.join('; ')})` : ''} ${r.body.slice(0, 600)}`);
};
const app = buildApp(loadConfig({}, { LOG_LEVEL: 'silent', ENABLE_WEB_INTERFACE: true, MAX_EPISODES_PER_CLIENT: 2, MAX_RESETS_PER_MINUTE: 3, TRUST_PROXY: 'loopback' }));
const inj = (method: any, url: string, body?: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method, url, headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers }, ...(body !== undefined ? { payload: JSON.stringify(body) } : {}) });
let r = await inj('POST', '/reset', { task_id: 'T4_rate_limit_429', seed: 7, episode_id: 'demo-1' });
show('> POST /reset {"task_id":"T4_rate_limit_429","seed":7,"episode_id":"demo-1"}', r);
const tok = r.headers['x-episode-token'] as string;
r = await inj('POST', '/step', { action: { type: 'list_tools' } }, { 'x-episode-token': tok });
show(`> POST /step (X-Episode-Token: ${tok}) {"action":{"type":"list_tools"}}`, r);
r = await inj('POST', '/step', { action: { type: 'list_tools' }, episode_id: 'demo-1' });
show('> POST /step {"action":{"type":"list_tools"},"episode_id":"demo-1"}', r);
r = await inj('GET', '/state?episode_id=demo-1', undefined, { 'x-episode-token': '0'.repeat(32) });
show('> GET /state?episode_id=demo-1 (X-Episode-Token: 000…)', r);
r = await inj('GET', '/state?episode_id=nope', undefined, { 'x-episode-token': '0'.repeat(32) });
show('> GET /state?episode_id=nope (X-Episode-Token: 000…)', r);
r = await inj('POST', '/reset', { episode_id: 'demo-1' });
show('> POST /reset {"episode_id":"demo-1"}', r);
r = await inj('DELETE', '/episodes/demo-1', undefined, { 'x-episode-token': tok });
show('> DELETE /episodes/demo-1 (X-Episode-Token: …)', r);
r = await inj('GET', '/state', undefined, { 'x-episode-token': tok });
show('> GET /state (X-Episode-Token: …)', r);
r = await inj('DELETE', '/episodes/demo-1', undefined, { 'x-episode-token': tok });
show('> DELETE /episodes/demo-1 (X-Episode-Token: …) again', r);
r = await inj('POST', '/web/reset', { task_id: 'T1_single_page', seed: 3 });
show('> POST /web/reset {"task_id":"T1_single_page","seed":3}', r);
const wt = r.headers['x-episode-token'] as string;
r = await inj('GET', '/web/state', undefined, { 'x-episode-token': wt });
show('> GET /web/state (X-Episode-Token: …)', r);
r = await inj('GET', '/web/state');
show('> GET /web/state', r);
// limits
const A = { 'x-forwarded-for': '203.0.113.9' };
for (let i = 0; i < 3; i++) { r = await inj('POST', '/reset', {}, A); console.log('reset', i, r.statusCode); }
show('> POST /reset (third live episode from 203.0.113.9, MAX_EPISODES_PER_CLIENT=2)', r);
const B = { 'x-forwarded-for': '203.0.113.10' };
for (let i = 0; i < 4; i++) { r = await inj('POST', '/reset', {}, B); const t = r.headers['x-episode-token']; if (t) await inj('DELETE', `/episodes/${JSON.parse(r.body).observation.episode_id}`, undefined, { 'x-episode-token': t as string }); }
show('> POST /reset (fourth reset within a minute from 203.0.113.10, MAX_RESETS_PER_MINUTE=3)', r);
await app.close();
const keyed = buildApp(loadConfig({}, { LOG_LEVEL: 'silent', API_KEY: 'k3y-0f-at-least-16-chars' }));
r = await keyed.inject({ method: 'POST', url: '/reset' });
show('> POST /reset (API_KEY set, no Authorization)', r);
r = await keyed.inject({ method: 'POST', url: '/mcp', headers: { 'content-type': 'application/json' }, payload: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' });
show('> POST /mcp (API_KEY set, no Authorization) {"jsonrpc":"2.0","id":1,"method":"tools/list"}', r);
r = await keyed.inject({ method: 'GET', url: '/health' });
show('> GET /health (API_KEY set, no Authorization)', r);
await keyed.close();
