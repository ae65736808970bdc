/**
 * "Watch an agent play" for the /web page: GET /web/agents lists the reference solver and the personas
 * (src/agents); POST /web/agent-run runs one of them in-process on a task, seed and profile (with the
 * deployment's salt, so it plays the instance a visitor's reset of the same seed gets) and returns its
 * trajectory (src/env/trajectory.ts, the format `comtradebench rescore` reads), which the page replays
 * step by step. The run holds no session slot and is not ranked on the leaderboard.
 */
import type { FastifyPluginAsync } from 'fastify';
import { agents } from '../../agents/index.js';
import { runRecordedEpisode } from '../../agents/runner.js';
import { BenchError } from '../../core/errors.js';
import { DEFAULT_TASK } from '../../env/environment.js';
import { InProcessEnv } from '../../env/in-process.js';
import { checked } from '../../env/schemas.js';
import { TrajectoryRecorder } from '../../env/trajectory.js';
import { AgentRunRequest } from '../wire/envelopes.js';

const webAgents: FastifyPluginAsync = async (app) => {
  const { store, catalog } = app;
  const registry = agents(catalog);
  const list = [...registry.values()].map((a) => ({ name: a.name, description: a.description }));
  const salt = store.opts.salt ?? '';

  app.get('/web/agents', { schema: { summary: 'The agents the /web page can run' } }, async () => ({
    agents: list,
  }));

  app.post(
    '/web/agent-run',
    { schema: { summary: 'Run an agent in-process on a task and seed; returns its trajectory' } },
    async (req) => {
      const run = checked(AgentRunRequest, 'agent run', req.body ?? {});
      const agent = registry.get(run.agent);
      if (agent === undefined)
        throw new BenchError('CB_ERR_UNKNOWN_AGENT', { agent: run.agent, agents: [...registry.keys()] });
      const { trajectory } = await runRecordedEpisode(
        new TrajectoryRecorder(new InProcessEnv(catalog, salt)),
        agent,
        { task_id: run.task_id ?? DEFAULT_TASK, seed: run.seed ?? 0, profile: run.profile },
      );
      return trajectory;
    },
  );
};

export default webAgents;
