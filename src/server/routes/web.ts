/**
 * The /web page (ENABLE_WEB_INTERFACE=true; the Hugging Face Space opens it through base_path: /web) and
 * its JSON routes, like upstream's for custom UIs (docs/protocol.md, /web). Every visitor drives their own
 * episode: POST /web/reset hands out the episode's token (episode_token, x-episode-token), which
 * POST /web/step and GET /web/state need as X-Episode-Token, exactly as POST /reset, /step and /state do
 * (the same handlers, src/server/routes/http.ts). A web episode is an ordinary HTTP episode: the same
 * capacity, per-client caps, short idle timeout and DELETE /episodes/:id. The page itself is public (open
 * without API_KEY); its JSON routes are API routes.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { StepResult } from '../../env/environment.js';
import { environmentMetadata } from '../metadata.js';
import { stepJson } from '../wire/step.js';
import { requestedEpisode, resetEpisode, sendReset, stepRequest } from './http.js';

const sendStep = (reply: FastifyReply, r: StepResult): FastifyReply =>
  reply.type('application/json; charset=utf-8').send(stepJson(r));

const webRoutes: FastifyPluginAsync = async (app) => {
  const { store } = app;
  const metadata = environmentMetadata();
  const page = { schema: { hide: true }, config: { public: true } };

  app.get('/', page, async (_req, reply) => reply.redirect('/web/', 307));
  app.get('/web', page, async (_req, reply) => reply.redirect('/web/', 307));
  app.get('/web/', page, async (_req, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
  app.get('/web/metadata', async () => metadata);
  app.post('/web/reset', async (req, reply) => sendReset(reply, resetEpisode(store, req)));
  app.post('/web/step', async (req, reply) => sendStep(reply, stepRequest(store, req)));
  app.get('/web/state', async (req) => requestedEpisode(store, req).env.state());
};

export default webRoutes;

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>ComtradeBench</title>
<style>
body{font:14px system-ui,sans-serif;max-width:60rem;margin:1.5rem auto;padding:0 1rem;color:#222}
textarea,pre{width:100%;box-sizing:border-box;font:12px ui-monospace,monospace}
pre{background:#f5f5f5;padding:.6rem;max-height:32rem;overflow:auto;white-space:pre-wrap}
button{margin-right:.4rem}label{margin-right:.8rem}
</style></head><body>
<h1>ComtradeBench</h1>
<p>An OpenEnv environment: fetch every page of a paginated API that fights back, clean the data, submit it.
Agents connect to <code>/ws</code> (OpenEnv) or <code>/mcp</code> (MCP); the API is in <a href="/docs">/docs</a>.
Each visitor (each browser tab) drives their own episode.</p>
<p><label>Task <select id="task"></select></label><label>Seed <input id="seed" type="number" min="0" value="0" style="width:7rem"></label>
<button id="reset">Reset</button><button id="state">State</button></p>
<p><label>Action</label><select id="preset">
<option value='{"type":"call_tool","tool_name":"get_task_info","arguments":{}}'>get_task_info</option>
<option value='{"type":"call_tool","tool_name":"fetch_page","arguments":{"page":1}}'>fetch_page</option>
<option value='{"type":"call_tool","tool_name":"submit_results","arguments":{"rows":[],"run_log":[]}}'>submit_results</option>
<option value='{"type":"list_tools"}'>list_tools</option></select></p>
<textarea id="action" rows="4"></textarea>
<p><button id="step">Step</button> <span id="status"></span></p>
<pre id="out">Press Reset to start an episode.</pre>
<script>
const $ = (id) => document.getElementById(id);
const show = async (res) => { const body = await res.json(); $('status').textContent = res.ok ? (body.done ? 'done, reward ' + body.reward : '') : 'error ' + res.status; $('out').textContent = JSON.stringify(body, null, 2); };
const headers = () => { const h = { 'content-type': 'application/json' }; const t = sessionStorage.getItem('episode_token'); if (t) h['x-episode-token'] = t; return h; };
const keep = (res) => { const t = res.headers.get('x-episode-token'); if (t) sessionStorage.setItem('episode_token', t); return res; };
const post = (url, body) => fetch(url, { method: 'POST', headers: headers(), body: JSON.stringify(body) }).then(keep).then(show);
$('preset').onchange = () => { $('action').value = $('preset').value; };
$('action').value = $('preset').value;
fetch('/tasks').then((r) => r.json()).then(({ tasks }) => { for (const t of tasks) $('task').add(new Option(t.id + ' (' + t.challenge + ')', t.id)); });
$('reset').onclick = () => post('/web/reset', { task_id: $('task').value, seed: Number($('seed').value) });
$('step').onclick = () => { let action; try { action = JSON.parse($('action').value); } catch (e) { $('out').textContent = 'The action is not JSON: ' + e.message; return; } post('/web/step', { action }); };
$('state').onclick = () => fetch('/web/state', { headers: headers() }).then(show);
</script></body></html>
`;
