/** Hostile HTTP requests for the OpenEnv routes, the /web routes and everything else the server may be sent. */
import type { InjectOptions } from 'fastify';
import { action, hostile, jsonRpc, resetData, wire } from './envelopes.js';
import { type Gen, hostileValue, type J, obj, PROTO_NAMES, text } from './grammar.js';

const CONTENT_TYPES = [
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'APPLICATION/JSON',
  'application/json; charset=latin1',
  'application/jsonx',
  '',
];

const OTHER_PATHS = [
  '/health',
  '/metadata',
  '/schema',
  '/tasks',
  '/',
  '/web',
  '/web/',
  '/web/metadata',
  '/__proto__',
  '/constructor',
  '/reset/',
  '//reset',
  '/RESET',
  '/reset%00',
  '/%ZZ',
  '/%E0%A4%A',
  '/mcp/../reset',
  `/${'a'.repeat(5000)}`,
  '/reset?__proto__[polluted_by_hostile_input]=1',
  '/state?constructor[prototype][polluted_by_hostile_input]=1',
  '/tasks?__proto__=1&constructor=2',
];

export interface Input {
  readonly path: string;
  readonly options: InjectOptions;
  readonly shown: string;
}

function episodeRef(g: Gen, episodes: readonly string[]): string {
  if (episodes.length > 0 && g.chance(0.75)) return g.pick(episodes);
  return g.pick(['hostile-ep', 'no-such-episode', ...PROTO_NAMES, 'x'.repeat(256), '']);
}

/** One hostile request for one of the routes; `episodes` are this lane's own episode ids. */
export function input(g: Gen, episodes: readonly string[]): Input {
  const headers: Record<string, string | string[]> = {};
  if (!g.chance(0.1)) headers['content-type'] = g.chance(0.8) ? 'application/json' : g.pick(CONTENT_TYPES);
  if (g.chance(0.05)) headers.accept = g.pick(['*/*', 'text/html', 'application/xml', '']);
  const kind = g.weighted<string>([
    [8, 'reset'],
    [35, 'step'],
    [10, 'state'],
    [15, 'web'],
    [8, 'other'],
    [4, 'method'],
    [5, 'mcp'],
  ]);
  let path: string;
  let method: InjectOptions['method'] = 'POST';
  let body: J | undefined;
  let query = '';
  switch (kind) {
    case 'reset':
      path = '/reset';
      body = g.chance(0.1) ? undefined : hostile(g, resetData(g));
      break;
    case 'step': {
      path = '/step';
      const id = episodeRef(g, episodes);
      const where = g.weighted<string>([
        [6, 'body'],
        [1, 'query'],
        [1, 'header'],
        [1, 'two'],
        [1, 'none'],
      ]);
      const envelope: Record<string, J> = { action: action(g) };
      if (where === 'body' || where === 'two') envelope.episode_id = id;
      if (where === 'query' || where === 'two')
        query = `?episode_id=${encodeURIComponent(g.chance(0.5) ? id : episodeRef(g, episodes))}`;
      if (where === 'header') headers['x-episode-id'] = g.chance(0.1) ? [id, 'other'] : id;
      if (g.chance(0.05)) envelope.timeout_s = hostileValue(g);
      body = hostile(g, obj(envelope), 0.3);
      break;
    }
    case 'state': {
      method = 'GET';
      path = '/state';
      const id = episodeRef(g, episodes);
      const where = g.weighted<string>([
        [6, 'query'],
        [2, 'header'],
        [1, 'twice'],
        [1, 'none'],
      ]);
      if (where === 'query') query = `?episode_id=${encodeURIComponent(id)}`;
      if (where === 'header') headers['x-episode-id'] = id;
      if (where === 'twice') query = `?episode_id=${encodeURIComponent(id)}&episode_id=other`;
      break;
    }
    case 'web': {
      const route = g.pick(['/web/reset', '/web/step', '/web/state', '/web/metadata']);
      path = route;
      if (route === '/web/reset') body = hostile(g, resetData(g));
      else if (route === '/web/step') body = hostile(g, obj({ action: action(g) }), 0.3);
      else method = 'GET';
      break;
    }
    case 'mcp': // JSON-RPC bodies on POST /mcp (hostile-mcp-requests-get-json-rpc-replies.test.ts has many more)
      path = '/mcp';
      body = hostile(g, jsonRpc(g, []), 0.3);
      break;
    case 'other':
      method = g.chance(0.8) ? 'GET' : 'POST';
      path = g.pick(OTHER_PATHS);
      if (method === 'POST') body = hostileValue(g);
      break;
    default:
      method = g.pick(['PUT', 'PATCH', 'DELETE', 'OPTIONS', 'GET'] as const);
      path = g.pick(['/reset', '/step', '/state', '/health', '/mcp', '/web/reset']);
      if (method !== 'GET' && g.chance(0.5)) body = hostileValue(g);
  }
  const payload = body === undefined ? undefined : g.chance(0.9) ? wire(g, body) : text(body);
  return {
    path: path.split('?')[0]!,
    options: { method, url: path + query, headers, ...(payload === undefined ? {} : { payload }) },
    shown: `${method} ${path}${query} ${JSON.stringify(headers)} ${payload === undefined ? '' : payload.toString().slice(0, 200)}`,
  };
}
