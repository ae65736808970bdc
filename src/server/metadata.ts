/**
 * What the service says about itself: OpenEnv EnvironmentMetadata (/metadata, /web/metadata), the HTTP API
 * version of /openapi.json, and the public task catalogue (/tasks). Read once at startup.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { taskFields } from '../core/task-info.js';
import { defaultTasksDir, type TaskCatalog } from '../env/task-catalog.js';

/** The OpenEnv HTTP API version `openenv validate` reads from info.version ("openenv-http/1.x"). */
export const HTTP_API_VERSION = '1.0.0';

export const ENV_NAME = 'comtradebench';

export interface EnvironmentMetadata {
  name: string;
  description: string;
  readme_content: string;
  version: string;
  author: string;
  documentation_url: string;
}

/** The package root (package.json, README.md, tasks/), found the same way as the task folder. */
function packageRoot(): string | null {
  try {
    return dirname(defaultTasksDir());
  } catch {
    return null;
  }
}

function readText(file: string | null): string | null {
  return file !== null && existsSync(file) ? readFileSync(file, 'utf8') : null;
}

export function environmentMetadata(): EnvironmentMetadata {
  const root = packageRoot();
  const pkg = JSON.parse(readText(root && join(root, 'package.json')) ?? '{}') as {
    version?: string;
    description?: string;
  };
  return {
    name: ENV_NAME,
    description:
      pkg.description ??
      'An OpenEnv environment measuring whether an LLM agent can run a multi-step paginated API workflow reliably when the API fights back.',
    readme_content: readText(root && join(root, 'README.md')) ?? '',
    version: pkg.version ?? '1.0.0',
    author: 'ComtradeBench maintainers',
    documentation_url: '/docs',
  };
}

/**
 * The public view of each task: what an agent may know before reset (no faults schedule, no data). The
 * constraints a task adds for the rules it uses (pagination "cursor", cursor_ttl_s, token_ttl_s, timeout_s)
 * are named as in get_task_info's constraints.
 */
export function taskSummaries(catalog: TaskCatalog): Array<Record<string, unknown>> {
  return catalog.ids.map((id) => {
    const t = catalog.resolve(id);
    return {
      id: t.id,
      title: t.title,
      challenge: t.challenge,
      description: t.description,
      default_page_size: t.default_page_size,
      max_page_size: t.max_page_size,
      request_budget: t.request_budget,
      max_steps: t.max_steps,
      ...taskFields(t).constraint_extras,
      profiles: ['default', ...Object.keys(t.profiles)],
      task_hash: t.task_hash,
    };
  });
}
