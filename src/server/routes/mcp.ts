// PLACEHOLDER owned by the MCP work: replaced with the real /mcp routes.
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../../config.js';
import type { SessionStore } from '../../env/sessions.js';

export interface McpRoutesOptions {
  readonly store: SessionStore;
  readonly config: Config;
}

export const mcpRoutes: FastifyPluginAsync<McpRoutesOptions> = async () => {};
