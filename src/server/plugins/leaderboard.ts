/**
 * The leaderboard (src/results/leaderboard.ts) fed from the environment layer's events: every episode with
 * an agent_label that ends on this server, whatever the transport, becomes a result record
 * (src/results/record.ts). Episodes the server itself ends by shutting down are not recorded (the observer
 * stops before sessions are closed); every other ending counts, an abandoned episode with its score 0.
 * GET /api/leaderboard is src/server/routes/leaderboard.ts.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { Episode } from '../../core/episode.js';
import { BENCHMARK_VERSION, JUDGE_VERSION } from '../../core/versions.js';
import { saltHashOf } from '../../env/salt.js';
import { Leaderboard } from '../../results/leaderboard.js';
import { outcomeOfEnded, recordOf } from '../../results/record.js';

declare module 'fastify' {
  interface FastifyInstance {
    readonly leaderboard: Leaderboard;
  }
}

const leaderboard: FastifyPluginAsync = async (app) => {
  const { config, store, catalog } = app;
  const board = new Leaderboard({
    path: config.LEADERBOARD_PATH === '' ? null : config.LEADERBOARD_PATH,
    maxAgents: config.LEADERBOARD_MAX_AGENTS,
    maxEpisodes: config.LEADERBOARD_MAX_EPISODES,
    current: {
      benchmark_version: BENCHMARK_VERSION,
      judge_version: JUDGE_VERSION,
      seed_salt_hash: saltHashOf(store.opts.salt ?? ''),
      taskHash: (taskId, profile) => {
        try {
          return catalog.resolve(taskId, profile).task_hash;
        } catch {
          return null;
        }
      },
    },
    taskOrder: catalog.ids,
    log: app.log.child({ component: 'leaderboard' }),
  });
  app.decorate('leaderboard', board);

  const startedAt = new WeakMap<Episode, number>();
  const unobserve = store.observe({
    episodeStarted: (e) => {
      if (e.agentLabel !== null) startedAt.set(e.episode, performance.now());
    },
    episodeEnded: (e) => {
      if (e.agentLabel === null) return;
      const ep = e.episode;
      board.add(
        recordOf(outcomeOfEnded(ep, e.agentLabel), ep.episodeId, startedAt.get(ep) ?? performance.now()),
      );
    },
  });
  app.addHook('preClose', (done) => {
    unobserve();
    done();
  });
  app.addHook('onClose', (_app, done) => {
    board.close();
    done();
  });
};

export default fp(leaderboard, { name: 'leaderboard', dependencies: ['sessions'] });
