/**
 * Sessions: the one SessionStore (src/env/sessions.ts) and task catalogue every route uses, and the one
 * housekeeping timer of the service. Every reapEveryMs it reaps idle sessions (their episodes end as
 * idle_timeout) and then runs each task registered with onHousekeeping, with the reaped sessions (the
 * sockets plugin closes their sockets; /mcp drops SDK servers whose session is gone). At close, every
 * session ends.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { Session, SessionStore } from '../../env/sessions.js';
import type { TaskCatalog } from '../../env/task-catalog.js';

export type HousekeepingTask = (reaped: readonly Session[]) => void;

declare module 'fastify' {
  interface FastifyInstance {
    readonly store: SessionStore;
    readonly catalog: TaskCatalog;
    /** Runs `task` on every housekeeping tick, after the idle reaper. */
    onHousekeeping(task: HousekeepingTask): void;
  }
}

export interface SessionsOptions {
  readonly store: SessionStore;
}

const sessions: FastifyPluginAsync<SessionsOptions> = async (app, { store }) => {
  const tasks: HousekeepingTask[] = [];
  app.decorate('store', store);
  app.decorate('catalog', store.catalog);
  app.decorate('onHousekeeping', (task: HousekeepingTask) => {
    tasks.push(task);
  });

  const timer = setInterval(() => {
    const reaped = store.reap();
    for (const task of tasks) task(reaped);
  }, store.reapEveryMs);
  timer.unref();

  app.addHook('onClose', (_app, done) => {
    clearInterval(timer);
    store.closeAll();
    done();
  });
};

export default fp(sessions, { name: 'sessions' });
