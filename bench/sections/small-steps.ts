/**
 * Sections ws-steps and http: small lockstep steps (get_task_info) over /ws and over stateful HTTP, against
 * the small-step floor, which answers every message with our server's own captured reply.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { captureSmall } from '../lib/capture.js';
import {
  floorServer,
  type Harness,
  loadRows,
  paired,
  realServer,
  requireClean,
  type RunRecord,
  windowArgs,
} from '../lib/harness.js';
import type { Server } from '../lib/spawn.js';

export async function smallSteps(h: Harness, which: { ws: boolean; http: boolean }): Promise<void> {
  const { p, out } = h;
  // One server per transport, so that a --profile run gets one profile per scenario.
  let server = await realServer(h, which.ws ? 'small-ws' : 'small-http', { TOOL_RESULT_FORMAT: 'full' });
  let floor: Server | null = null;
  const raw: Record<string, unknown> = {};
  out.raw.small_steps = raw;
  try {
    const replies = await captureSmall(server.url);
    raw.reply_bytes = Object.fromEntries(Object.entries(replies).map(([k, v]) => [k, Buffer.byteLength(v)]));
    const small = join(h.logDir, 'small.json');
    writeFileSync(small, JSON.stringify(replies));
    floor = await floorServer(h, 'floor-small', small);
    if (which.ws) {
      const S = `WebSocket small steps (lockstep get_task_info via call_tool, ${Buffer.byteLength(replies.ws_step)} B replies, TOOL_RESULT_FORMAT=full)`;
      for (const sessions of p.wsSteps.sessions) {
        const args = { sessions, resetEvery: p.wsSteps.resetEvery, ...windowArgs(p, p.wsSteps) };
        const [ours, fl] = await paired(
          h,
          'ws-steps',
          args,
          server,
          floor,
          p.wsSteps.windowS,
          `ws-steps-${sessions}`,
        );
        requireClean(ours, fl, (e) =>
          (e.bad_replies as number) > 0 ? `: ${e.bad_replies as number} replies were not observations` : null,
        );
        raw[`ws_${sessions}`] = { ours, floor: fl };
        out.rows.push(
          ...loadRows(
            S,
            `${sessions} session${sessions > 1 ? 's' : ''}`,
            [
              { key: 'rate', metric: 'steps/s', floorRatio: 'higher' },
              { key: 'p50_ms', metric: 'p50 ms', floorRatio: null },
              { key: 'p99_ms', metric: 'p99 ms', floorRatio: null },
            ],
            ours.runs as RunRecord[],
            fl.runs as RunRecord[],
            `a reset every ${p.wsSteps.resetEvery} steps (max_steps), untimed`,
          ),
        );
      }
    }
    if (which.http) {
      if (which.ws) {
        await server.stop();
        server = await realServer(h, 'small-http', { TOOL_RESULT_FORMAT: 'full' });
      }
      const S = `HTTP small steps (stateful POST /step get_task_info, keep-alive, ${Buffer.byteLength(replies.http_step)} B replies)`;
      const c = p.http.connections;
      const args = { connections: c, resetEvery: p.http.resetEvery, ...windowArgs(p, p.http) };
      const [ours, fl] = await paired(h, 'http-steps', args, server, floor, p.http.windowS, `http-${c}`);
      requireClean(ours, fl, (e) => ((e.bad_replies as number) > 0 ? `: ${e.first_bad as string}` : null));
      raw[`http_${c}`] = { ours, floor: fl };
      out.rows.push(
        ...loadRows(
          S,
          `${c} connections`,
          [
            { key: 'rate', metric: 'requests/s', floorRatio: 'higher' },
            { key: 'p50_ms', metric: 'p50 ms', floorRatio: null },
            { key: 'p99_ms', metric: 'p99 ms', floorRatio: null },
          ],
          ours.runs as RunRecord[],
          fl.runs as RunRecord[],
          `a POST /reset every ${p.http.resetEvery} steps, untimed`,
        ),
      );
    }
  } finally {
    await server.stop();
    await floor?.stop();
  }
}
