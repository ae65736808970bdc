/** GET /api/leaderboard: the ranked entries of src/results/leaderboard.ts (docs/protocol.md, Leaderboard). */
import type { FastifyPluginAsync } from 'fastify';

const leaderboardRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    '/api/leaderboard',
    {
      schema: {
        summary:
          'Labelled agents ranked by mean score over the episodes this server scored (bootstrap 95 % interval, per-task drill-down)',
      },
    },
    async () => app.leaderboard.document(),
  );
};

export default leaderboardRoutes;
