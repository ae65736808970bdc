/**
 * Captures real small-step replies for the floor: the reset reply and a `get_task_info` step reply over
 * /ws and over HTTP, taken at the 100th step (a representative steps_used), byte for byte.
 */
import WebSocket from 'ws';

export interface SmallReplies {
  ws_reset: string;
  ws_step: string;
  http_reset: string;
  http_step: string;
}

const STEP_ACTION = { type: 'call_tool', tool_name: 'get_task_info', arguments: {} };
const AT_STEP = 100;

export async function captureSmall(url: string): Promise<SmallReplies> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const ask = (msg: unknown) =>
    new Promise<string>((resolve) => {
      ws.once('message', (d: Buffer) => resolve(d.toString('utf8')));
      ws.send(JSON.stringify(msg));
    });
  const wsReset = await ask({ type: 'reset', data: { task_id: 'T1_single_page', seed: 0 } });
  let wsStep = '';
  for (let i = 0; i < AT_STEP; i++) wsStep = await ask({ type: 'step', data: STEP_ACTION });
  ws.close();

  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const r = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    const text = Buffer.from(await r.arrayBuffer()).toString('utf8');
    if (r.status !== 200) throw new Error(`POST ${path}: ${r.status} ${text.slice(0, 300)}`);
    return text;
  };
  const httpReset = await post('/reset', { task_id: 'T1_single_page', seed: 0 });
  const token = (JSON.parse(httpReset) as { episode_token: string }).episode_token;
  let httpStep = '';
  for (let i = 0; i < AT_STEP; i++)
    httpStep = await post('/step', { action: STEP_ACTION }, { 'x-episode-token': token });
  for (const [name, text] of Object.entries({ wsReset, wsStep })) {
    if (!text.startsWith('{"type":"observation"'))
      throw new Error(`${name}: unexpected reply ${text.slice(0, 200)}`);
  }
  return { ws_reset: wsReset, ws_step: wsStep, http_reset: httpReset, http_step: httpStep };
}
