/**
 * The /web page (ENABLE_WEB_INTERFACE=true; the Hugging Face Space opens it through base_path: /web): one
 * shared web episode driven by POST /web/reset, POST /web/step and GET /web/state, like upstream's JSON
 * routes for custom UIs (docs/protocol.md, /web). The web episode is an ordinary HTTP episode (same
 * capacity, reaper and rules).
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { BenchError } from '../../core/errors.js';
import type { StepResult } from '../../env/environment.js';
import { parseEnvelope } from '../../env/schemas.js';
import type { Session } from '../../env/sessions.js';
import { environmentMetadata } from '../metadata.js';
import { stepRequestEnvelope } from '../wire/envelopes.js';
import { stepJson } from '../wire/step.js';
import { stepEpisode } from './http.js';

const sendStep = (reply: FastifyReply, r: StepResult): FastifyReply =>
  reply.type('application/json; charset=utf-8').send(stepJson(r));

const webRoutes: FastifyPluginAsync = async (app) => {
  const { store } = app;
  let current: string | null = null;
  const episode = (): Session => {
    if (current === null)
      throw new BenchError('CB_ERR_NOT_RESET', { reset_with: 'the Reset button, POST /web/reset' });
    return store.httpEpisode(current);
  };
  const metadata = environmentMetadata();

  app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/web/', 307));
  app.get('/web', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/web/', 307));
  app.get('/web/', { schema: { hide: true } }, async (_req, reply) =>
    reply.type('text/html; charset=utf-8').send(PAGE),
  );
  app.get('/web/metadata', async () => metadata);
  app.post('/web/reset', async (req, reply) => {
    if (current !== null) store.close(current);
    const { session, result } = store.httpReset(req.body ?? {});
    current = session.id;
    return sendStep(reply, result);
  });
  app.post('/web/step', async (req, reply) => {
    const { action } = parseEnvelope(stepRequestEnvelope, req.body);
    return sendStep(reply, stepEpisode(store, episode(), action));
  });
  app.get('/web/state', async () => episode().env.state());
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
This page drives one shared episode.</p>
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
const post = (url, body) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(show);
$('preset').onchange = () => { $('action').value = $('preset').value; };
$('action').value = $('preset').value;
fetch('/tasks').then((r) => r.json()).then(({ tasks }) => { for (const t of tasks) $('task').add(new Option(t.id + ' (' + t.challenge + ')', t.id)); });
$('reset').onclick = () => post('/web/reset', { task_id: $('task').value, seed: Number($('seed').value) });
$('step').onclick = () => { let action; try { action = JSON.parse($('action').value); } catch (e) { $('out').textContent = 'The action is not JSON: ' + e.message; return; } post('/web/step', { action }); };
$('state').onclick = () => fetch('/web/state').then(show);
</script></body></html>
`;
