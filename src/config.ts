/**
 * Service configuration from environment variables, parsed by zod. A bad value fails fast with a message
 * naming the variable. OpenEnv's names are reused where they exist.
 */
import { isIP } from 'node:net';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'TRUE', 'FALSE', 'True', 'False', 'YES', 'NO', ''])
  .transform((v) => ['true', '1', 'yes'].includes(v.toLowerCase()));

const MiB = 1024 * 1024;

/** A comma-separated list, trimmed, without empty entries. */
export const listOf = (value: string): string[] =>
  value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');

/** The address ranges proxy-addr (Fastify's trustProxy) knows by name. */
const PROXY_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const isAddressOrRange = (v: string): boolean => {
  if (PROXY_RANGES.has(v)) return true;
  const [address = '', prefix, ...rest] = v.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  return prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
};

/**
 * TRUST_PROXY as Fastify's trustProxy: empty or `false` trusts no proxy (the client is the socket's
 * address); otherwise a comma-separated list of addresses, CIDR ranges or the names loopback, linklocal,
 * uniquelocal: the proxies whose X-Forwarded-For entries are believed, read from the right, so the client
 * is the first address that is not such a proxy. `true` believes every entry, including the ones a
 * client writes itself, so it is safe only behind a proxy that replaces the header.
 */
export function trustProxyOf(value: string): boolean | string[] {
  const v = value.trim().toLowerCase();
  if (v === '' || v === 'false') return false;
  if (v === 'true') return true;
  return listOf(value);
}

const origin = (v: string): boolean => {
  if (v === '*') return true;
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === v;
  } catch {
    return false;
  }
};

export const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8000),
  HOST: z.string().min(1).default('0.0.0.0'),
  /** Live sessions (WS connections, MCP sessions, HTTP episodes) at once. */
  MAX_CONCURRENT_ENVS: z.coerce.number().int().min(1).max(1_000_000).default(1024),
  /** /ws and MCP sessions idle longer than this are reaped (their episode ends with end_reason idle_timeout). */
  SESSION_TIMEOUT_S: z.coerce.number().min(1).default(900),
  /** HTTP and /web episodes idle longer than this are reaped (nothing holds them open, so sooner). */
  HTTP_SESSION_TIMEOUT_S: z.coerce.number().min(1).default(300),
  /** Live sessions (episodes) one client may hold across HTTP, /web, /ws and MCP; 0: no cap. */
  MAX_EPISODES_PER_CLIENT: z.coerce.number().int().min(0).default(0),
  /** Resets one client may start per minute across HTTP, /web, /ws and MCP; 0: no limit. */
  MAX_RESETS_PER_MINUTE: z.coerce.number().int().min(0).default(0),
  /** Which proxies' X-Forwarded-For names the client (trustProxyOf); empty: none. */
  TRUST_PROXY: z
    .string()
    .default('')
    .refine(
      (v) => typeof trustProxyOf(v) !== 'object' || listOf(v).every(isAddressOrRange),
      'expected false, true, or comma-separated addresses, CIDR ranges, loopback, linklocal, uniquelocal',
    ),
  /** When set, every route but /health, the docs and the /web page needs Authorization: Bearer <API_KEY>. */
  API_KEY: z
    .string()
    .default('')
    .refine((v) => v === '' || v.length >= 16, 'an API key needs at least 16 characters'),
  /** Origins allowed to call the server from a browser (comma-separated, or *); empty: same origin only. */
  CORS_ORIGINS: z
    .string()
    .default('')
    .refine(
      (v) => listOf(v).every(origin),
      'expected comma-separated origins such as https://example.org (scheme, host, optional port), or *',
    ),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ENABLE_WEB_INTERFACE: bool.default(false),
  /** Largest HTTP body, WS frame and MCP request, in bytes. */
  MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(16 * MiB),
  /** Deployment secret mixed into every stream key; only its hash is ever shown. */
  SEED_SALT: z.string().default(''),
  /** Allowed Host headers for /mcp (comma-separated); empty allows any (needed behind Docker and HF Spaces). */
  MCP_ALLOWED_HOSTS: z.string().default(''),
  /**
   * How tool results carry their value on the OpenEnv paths: `full` (upstream's shape: content text,
   * structured_content and data) or `compact` (once, in data). See docs/protocol.md, Result formats.
   */
  TOOL_RESULT_FORMAT: z.enum(['full', 'compact']).default('full'),
  /** Serve Prometheus metrics at GET /metrics. */
  ENABLE_METRICS: bool.default(true),
  /**
   * The leaderboard's JSON-lines file (src/results/leaderboard.ts), relative to the working directory;
   * empty keeps the leaderboard in memory only.
   */
  LEADERBOARD_PATH: z.string().default('data/leaderboard.jsonl'),
  /** Agents (agent_label and profile) the leaderboard keeps; the least recently updated is dropped. */
  LEADERBOARD_MAX_AGENTS: z.coerce.number().int().min(1).max(10_000).default(100),
  /** Episodes kept per agent and profile (the most recent). */
  LEADERBOARD_MAX_EPISODES: z.coerce.number().int().min(1).max(100_000).default(500),
  /** MiB of recorded calls HTTP episodes keep for GET /episodes/:id/trajectory (oldest forgotten first). */
  TRAJECTORY_KEEP_MB: z.coerce.number().min(0).max(1_000_000).default(128),
  /** Where the task files are; the package's tasks/ folder by default. */
  TASKS_DIR: z.string().optional(),
});

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<Config> = {},
): Config {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(ConfigSchema.shape)) {
    const v = env[key];
    if (v !== undefined) picked[key] = v;
  }
  const parsed = ConfigSchema.safeParse(picked);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? '');
    throw new ConfigError(`invalid ${name}=${JSON.stringify(picked[name] ?? '')}: ${issue.message}`);
  }
  return { ...parsed.data, ...overrides };
}
