/**
 * Section ws-episodes: whole reference-solver episodes over /ws (full and compact results) against the
 * episode floor, which replays the byte-identical reply sequence recorded from our server.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { captureSmall } from '../lib/capture.js';
import {
  client,
  floorServer,
  type Harness,
  loadRows,
  paired,
  realServer,
  requireClean,
  type RunRecord,
  windowArgs,
} from '../lib/harness.js';
import { fmt } from '../lib/report.js';
import type { Server } from '../lib/spawn.js';

export async function wsEpisodes(h: Harness): Promise<void> {
  const { p, out, ids } = h;
  const pool: Array<[string, number]> = [];
  for (let s = 0; s < p.wsEpisodes.seedsPerTask; s++) for (const id of ids) pool.push([id, 5000 + s]);
  const raw: Record<string, unknown> = {};
  out.raw.ws_episodes = raw;
  for (const format of ['full', 'compact'] as const) {
    const S = `WebSocket episodes (reference solver over /ws, mixed T1–T10 pool of ${pool.length}), TOOL_RESULT_FORMAT=${format}`;
    const server = await realServer(h, `ws-episodes-${format}`, { TOOL_RESULT_FORMAT: format });
    let floor: Server | null = null;
    try {
      const small = join(h.logDir, `small-${format}.json`);
      writeFileSync(small, JSON.stringify(await captureSmall(server.url)));
      const recFile = join(h.logDir, `episodes-${format}.bin`);
      const rec = await client(
        h,
        'ws-episodes',
        {
          url: server.url,
          mode: 'record',
          sessions: p.wsEpisodes.recordSessions,
          pool,
          serverPid: server.pid,
          recordFile: recFile,
        },
        600,
        `ws-episodes-${format}-record`,
      );
      if ((rec.failures as number) > 0) throw new Error(`recording: ${rec.first_failure as string}`);
      raw[`${format}_recording`] = rec;
      floor = await floorServer(h, `floor-episodes-${format}`, small, recFile);
      const mb = (rec.bytes as number) / (rec.episodes as number) / 1e6;
      const clients = [
        ...p.wsEpisodes.sessions.map((s) => ['solver', s] as const),
        ...p.wsEpisodes.replaySessions.map((s) => ['replay', s] as const),
      ];
      for (const [mode, sessions] of clients) {
        const args = {
          mode,
          sessions,
          pool,
          sizes: rec.sizes,
          recordFile: recFile,
          ...windowArgs(p, p.wsEpisodes),
        };
        const [ours, fl] = await paired(
          h,
          'ws-episodes',
          args,
          server,
          floor,
          p.wsEpisodes.windowS,
          `ws-episodes-${format}-${mode}-${sessions}`,
        );
        requireClean(ours, fl, (e) =>
          (e.failures as number) > 0 ? ` ${mode} ${sessions} sessions: ${e.first_failure as string}` : null,
        );
        raw[`${format}_${mode}_${sessions}`] = { ours, floor: fl };
        out.rows.push(
          ...loadRows(
            S,
            `${sessions} session${sessions > 1 ? 's' : ''}, ${mode} client`,
            [
              { key: 'eps', metric: 'episodes/s', floorRatio: 'higher' },
              { key: 'rows_per_s', metric: 'rows/s', floorRatio: null },
            ],
            ours.runs as RunRecord[],
            fl.runs as RunRecord[],
            mode === 'solver' && sessions === 1
              ? `${fmt(mb)} MB of replies per episode (pool mean)`
              : mode === 'replay' && sessions === p.wsEpisodes.replaySessions[0]
                ? 'replay client: recorded requests, replies not parsed'
                : '',
          ),
        );
      }
    } finally {
      await server.stop();
      await floor?.stop();
    }
  }
}
