/**
 * Clients: who is asking, and how often. A request's client is its remote address (`req.ip`, which
 * believes X-Forwarded-For only from the proxies TRUST_PROXY names), an IPv6 address grouped by its /64
 * (one host usually holds a whole /64). The session store caps the live sessions of each client
 * (MAX_EPISODES_PER_CLIENT, src/env/sessions.ts); this plugin limits each client's resets to
 * MAX_RESETS_PER_MINUTE over a sliding minute, through the store's reset gate, so that the resets of every
 * transport count: POST /reset and /web/reset, /ws reset messages, MCP session creation. A client with no
 * reset in the last minute is forgotten at the next housekeeping tick, so the counters never outgrow the
 * clients of the last minute (each holds at most MAX_RESETS_PER_MINUTE timestamps).
 */
import { isIP } from 'node:net';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { BenchError } from '../../core/errors.js';

const MINUTE_MS = 60_000;
/** The longest client name kept (an unparsable forwarded address is kept as text, cut to this). */
const MAX_CLIENT_CHARS = 64;

declare module 'fastify' {
  interface FastifyRequest {
    /** The client this request counts against (clientKeyOf its address). */
    readonly clientKey: string;
  }
}

/** The eight 16-bit groups of a valid IPv6 address (an embedded IPv4 tail as two groups). */
function ipv6Groups(address: string): number[] {
  const groups = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((g) => {
          if (!g.includes('.')) return [Number.parseInt(g, 16)];
          const [a = 0, b = 0, c = 0, d = 0] = g.split('.').map(Number);
          return [a * 256 + b, c * 256 + d];
        });
  const [head = '', tail] = address.split('::');
  const h = groups(head);
  const t = tail === undefined ? [] : groups(tail);
  return [...h, ...Array<number>(8 - h.length - t.length).fill(0), ...t];
}

/** The client an address counts as: an IPv4 address itself (IPv4-mapped IPv6 too), an IPv6 address its /64. */
export function clientKeyOf(ip: string): string {
  const address = ip.split('%')[0] ?? ip;
  const family = isIP(address);
  if (family === 4) return address;
  if (family === 0) return ip.slice(0, MAX_CLIENT_CHARS);
  const g = ipv6Groups(address.toLowerCase());
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff)
    return [g[6]! >> 8, g[6]! & 255, g[7]! >> 8, g[7]! & 255].join('.');
  return `${g
    .slice(0, 4)
    .map((x) => x.toString(16))
    .join(':')}::/64`;
}

/** Each client's resets of the last minute; admit() refuses the one over `limit`. */
export class ResetWindows {
  private readonly times = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly now: () => number,
  ) {}

  /** Counts a reset of `client`, or throws CB_ERR_CLIENT_LIMIT (nothing counted) when it would be one too many. */
  admit(client: string): void {
    const now = this.now();
    const mine = this.times.get(client) ?? [];
    while (mine.length > 0 && mine[0]! <= now - MINUTE_MS) mine.shift();
    if (mine.length >= this.limit) {
      throw new BenchError('CB_ERR_CLIENT_LIMIT', {
        limit: 'MAX_RESETS_PER_MINUTE',
        value: this.limit,
        retry_after_s: Math.max(1, Math.ceil((mine[0]! + MINUTE_MS - now) / 1000)),
        client,
      });
    }
    mine.push(now);
    this.times.set(client, mine);
  }

  /** Forgets the clients with no reset in the last minute. */
  sweep(): void {
    const since = this.now() - MINUTE_MS;
    for (const [client, mine] of this.times) if ((mine.at(-1) ?? 0) <= since) this.times.delete(client);
  }

  /** Clients counted now. */
  get size(): number {
    return this.times.size;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The reset counters (null when MAX_RESETS_PER_MINUTE is 0). */
    readonly resetWindows: ResetWindows | null;
  }
}

export interface ClientsOptions {
  /** MAX_RESETS_PER_MINUTE (0: no limit). */
  readonly resetsPerMinute: number;
}

const clients: FastifyPluginAsync<ClientsOptions> = async (app, { resetsPerMinute }) => {
  app.decorateRequest('clientKey', {
    getter(this: { ip: string }) {
      return clientKeyOf(this.ip);
    },
  });
  const windows = resetsPerMinute > 0 ? new ResetWindows(resetsPerMinute, app.store.now) : null;
  app.decorate('resetWindows', windows);
  if (windows === null) return;
  app.store.gateResets((client) => windows.admit(client));
  app.onHousekeeping(() => windows.sweep());
};

export default fp(clients, { name: 'clients', dependencies: ['sessions'] });
