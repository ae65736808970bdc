// The page's calls to its server. Every URL is relative to the page (…/web/), so the page works behind a
// path prefix (a proxy such as Hugging Face's) and over https.

/** A failed request: the server's catalogue code and message (docs/protocol.md, Errors). */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const KEY = 'comtradebench_api_key';

/** The server's API key, when it has one (API_KEY) and the visitor gave it; kept for this tab only. */
export const apiKey = {
  get: () => sessionStorage.getItem(KEY),
  set: (key) => sessionStorage.setItem(KEY, key),
};

async function request(url, { method = 'GET', body, token } = {}) {
  const headers = {};
  const key = apiKey.get();
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers['x-episode-token'] = token;
  const res = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json = null;
  try {
    json = text === '' ? null : JSON.parse(text);
  } catch {
    // Not JSON: reported below with the status.
  }
  if (!res.ok) {
    const e = json?.error;
    if (e?.code === 'CB_ERR_UNAUTHORIZED') onUnauthorized();
    throw new ApiError(
      res.status,
      e?.code ?? `HTTP ${res.status}`,
      e?.message ?? (text.slice(0, 200) || res.statusText),
    );
  }
  return { json, res };
}

let onUnauthorized = () => undefined;
/** What to do when the server asks for its API key (the page shows a field for it). */
export const whenUnauthorized = (f) => {
  onUnauthorized = f;
};

/** The server's root (where /ws, /mcp and /docs are), as an absolute URL ending in /. */
export const serverRoot = () => new URL('../', document.baseURI).href;

export const getTasks = async () => (await request('../tasks')).json.tasks;
export const getAgents = async () => (await request('agents')).json.agents;
export const getLeaderboard = async () => (await request('../api/leaderboard')).json;
export const getMetadata = async () => (await request('metadata')).json;

/**
 * Starts this visitor's episode (POST /web/reset). The previous episode's token, if any, goes along, so
 * the server ends that episode instead of keeping both. Returns the reset triple and the new token.
 */
export async function reset(fields, previousToken) {
  const { json, res } = await request('reset', { method: 'POST', body: fields, token: previousToken });
  return { ...json, token: json.episode_token ?? res.headers.get('x-episode-token') ?? null };
}

/** Calls a tool on this visitor's episode: the reply as a value or an error, done and reward. */
export async function callTool(token, name, args) {
  const { json } = await request('step', {
    method: 'POST',
    token,
    body: { action: { type: 'call_tool', tool_name: name, arguments: args } },
  });
  return replyOf(json);
}

/** A call_tool observation triple as { value, error, done, reward } (full or compact results). */
export function replyOf(triple) {
  const obs = triple.observation ?? {};
  const base = { done: triple.done === true, reward: triple.reward ?? null };
  if (obs.error)
    return { ...base, value: null, error: { code: obs.error.error_type, message: obs.error.message } };
  const r = obs.result ?? {};
  const v = r.structured_content ?? r.data ?? null;
  if (r.is_error)
    return { ...base, value: null, error: v?.error ?? { code: 'error', message: 'tool error' } };
  return { ...base, value: v, error: null };
}

/** The trajectory of this visitor's ended episode (GET /episodes/:id/trajectory). */
export async function getTrajectory(episodeId, token) {
  return (await request(`../episodes/${encodeURIComponent(episodeId)}/trajectory`, { token })).json;
}

/** Runs an agent in the server's process on a task and seed; returns its trajectory. */
export async function runAgent(fields) {
  return (await request('agent-run', { method: 'POST', body: fields })).json;
}
