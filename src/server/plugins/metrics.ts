/**
 * Prometheus metrics (prom-client), one Registry per app. The environment layer reports through one
 * observer (src/env/events.ts); this plugin only counts. Labels are low-cardinality by construction: task
 * ids and profiles come from the catalogue (a reset with an unknown one never starts an episode), tool
 * names outside the catalogue count as `unknown`, routes are route patterns (never URLs), methods outside
 * the standard set count as `OTHER`; never an episode id or other client text. GET /metrics is
 * src/server/routes/metrics.ts.
 *
 * Hot-path cost: a tool call increments a counter child bound once per (tool, result) and, for a fault,
 * one per kind; a reply observes a histogram child bound once per (method, route, status class).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { TOOL_BY_NAME } from '../../core/tools.js';
import { FAULT_KINDS, type FaultKind } from '../../env/events.js';
import type { SessionKind } from '../../env/sessions.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** This app's metrics registry (GET /metrics serialises it). */
    readonly metrics: Registry;
  }
}

const PREFIX = 'comtradebench_';
const TRANSPORTS: readonly SessionKind[] = ['ws', 'mcp', 'http'];
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** Score buckets: the success threshold (95) and the perfect score get their own. */
const SCORE_BUCKETS = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99.99, 100];
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** A labelled child per key, bound on first use (the key space is small and fixed). */
function bound<T>(make: (key: string) => T): (key: string) => T {
  const children = new Map<string, T>();
  return (key) => {
    let c = children.get(key);
    if (c === undefined) {
      c = make(key);
      children.set(key, c);
    }
    return c;
  };
}

const metrics: FastifyPluginAsync = async (app) => {
  const { store } = app;
  const registry = new Registry();
  const registers = [registry];
  app.decorate('metrics', registry);

  new Gauge({
    name: `${PREFIX}sessions_live`,
    help: 'Live sessions by transport (ws: /ws and WS /mcp connections, mcp: MCP sessions, http: HTTP and /web episodes)',
    labelNames: ['transport'],
    registers,
    collect() {
      const counts = store.liveCounts();
      for (const t of TRANSPORTS) this.set({ transport: t }, counts[t]);
    },
  });
  const started = new Counter({
    name: `${PREFIX}episodes_started_total`,
    help: 'Episodes started, by task, profile and transport',
    labelNames: ['task', 'profile', 'transport'],
    registers,
  });
  const ended = new Counter({
    name: `${PREFIX}episodes_ended_total`,
    help: 'Episodes ended, by task, profile and end_reason (submitted, step_limit, closed, idle_timeout)',
    labelNames: ['task', 'profile', 'end_reason'],
    registers,
  });
  const score = new Histogram({
    name: `${PREFIX}episode_score`,
    help: 'Scores (0-100) of ended episodes, by task and profile',
    labelNames: ['task', 'profile'],
    buckets: SCORE_BUCKETS,
    registers,
  });
  const toolCalls = new Counter({
    name: `${PREFIX}tool_calls_total`,
    help: 'Tool calls that reached an episode, by tool and result (ok, or error for a tool error)',
    labelNames: ['tool', 'result'],
    registers,
  });
  const faults = new Counter({
    name: `${PREFIX}faults_served_total`,
    help: 'Faults served by fetch_page, by kind (rate_limit, window: a 429 inside an open window, server_error, budget: 402, token_expired: 401, timeout: 504, cursor_expired: 410, truncated: a 200 cut short)',
    labelNames: ['kind'],
    registers,
  });
  const refusals = new Counter({
    name: `${PREFIX}session_refusals_total`,
    help: 'Sessions refused by a limit (capacity: MAX_CONCURRENT_ENVS), by transport and limit',
    labelNames: ['transport', 'limit'],
    registers,
  });
  const latency = new Histogram({
    name: `${PREFIX}http_request_duration_seconds`,
    help: 'HTTP request latency by method, route pattern and status class (WebSocket upgrades count once)',
    labelNames: ['method', 'route', 'status'],
    buckets: LATENCY_BUCKETS,
    registers,
  });

  // Event-loop lag since the previous scrape, from the runtime's own histogram (stopped at close).
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  new Gauge({
    name: `${PREFIX}event_loop_lag_seconds`,
    help: 'Event-loop delay since the previous scrape (quantile 0.5, 0.99 and 1 = max)',
    labelNames: ['quantile'],
    registers,
    collect() {
      const s = (ns: number) => (Number.isFinite(ns) ? ns / 1e9 : 0);
      this.set({ quantile: '0.5' }, s(loop.percentile(50)));
      this.set({ quantile: '0.99' }, s(loop.percentile(99)));
      this.set({ quantile: '1' }, s(loop.max));
      loop.reset();
    },
  });
  new Gauge({
    name: `${PREFIX}process_memory_bytes`,
    help: 'Process memory: resident set and V8 heap used',
    labelNames: ['kind'],
    registers,
    collect() {
      const m = process.memoryUsage();
      this.set({ kind: 'rss' }, m.rss);
      this.set({ kind: 'heap_used' }, m.heapUsed);
    },
  });

  const toolChild = bound((key) => {
    const [tool, result] = key.split('|') as [string, string];
    return toolCalls.labels({ tool, result });
  });
  const faultChild = bound((kind) => faults.labels({ kind }));
  // Series that exist from the start (at 0), so that rates and alerts see them before the first event.
  for (const kind of FAULT_KINDS) faultChild(kind).inc(0);
  for (const transport of TRANSPORTS) refusals.inc({ transport, limit: 'capacity' }, 0);
  const unobserve = store.observe({
    episodeStarted: (e) =>
      started.inc({ task: e.episode.task.id, profile: e.episode.task.profile, transport: e.transport }),
    toolCalled: (_transport, tool, ok, fault: FaultKind | null) => {
      toolChild(`${TOOL_BY_NAME.has(tool) ? tool : 'unknown'}|${ok ? 'ok' : 'error'}`).inc();
      if (fault !== null) faultChild(fault).inc();
    },
    episodeEnded: (e) => {
      const task = e.episode.task;
      ended.inc({ task: task.id, profile: task.profile, end_reason: e.episode.endReason ?? 'unknown' });
      score.observe({ task: task.id, profile: task.profile }, e.episode.breakdown?.score ?? 0);
    },
    sessionRefused: (transport, limit) => refusals.inc({ transport, limit }),
  });

  const latencyChild = bound((key) => {
    const [method, status, route] = key.split('|', 3) as [string, string, string];
    return latency.labels({ method, route, status });
  });
  // Callback-style: it runs on every reply, and an async hook costs a promise per request.
  app.addHook('onResponse', (req: FastifyRequest, reply: FastifyReply, done) => {
    const method = METHODS.has(req.method) ? req.method : 'OTHER';
    const route = req.routeOptions.url ?? '(unmatched)';
    latencyChild(`${method}|${Math.floor(reply.statusCode / 100)}xx|${route}`).observe(
      reply.elapsedTime / 1000,
    );
    done();
  });

  app.addHook('onClose', (_app, done) => {
    unobserve();
    loop.disable();
    done();
  });
};

export default fp(metrics, { name: 'metrics', dependencies: ['sessions'] });
