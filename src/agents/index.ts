/** The agent registry: the reference solver and the failure personas, by name. */
import type { TaskCatalog } from '../env/task-catalog.js';
import { cursorRestartFromZero } from './personas/cursor-restart-from-zero.js';
import { defaultPageSize } from './personas/default-page-size.js';
import { empty } from './personas/empty.js';
import { fabricator } from './personas/fabricator.js';
import { fakeLog } from './personas/fake-log.js';
import { firstVersion } from './personas/first-version.js';
import { generatorReplay } from './personas/generator-replay.js';
import { keepTotals } from './personas/keep-totals.js';
import { keyEnumerator } from './personas/key-enumerator.js';
import { keywordStuffer } from './personas/keyword-stuffer.js';
import { noDedup } from './personas/no-dedup.js';
import { noLog } from './personas/no-log.js';
import { noRefresh } from './personas/no-refresh.js';
import { noRetry } from './personas/no-retry.js';
import { noTimeoutRetry } from './personas/no-timeout-retry.js';
import { prematureRetry } from './personas/premature-retry.js';
import { schemaEcho } from './personas/schema-echo.js';
import { singlePass } from './personas/single-pass.js';
import { honestHalf, superset } from './personas/superset.js';
import { trustPage } from './personas/trust-page.js';
import { reference } from './reference.js';
import type { Agent } from './types.js';

export function agents(catalog: TaskCatalog): Map<string, Agent> {
  const list: Agent[] = [
    reference,
    noRetry,
    prematureRetry,
    noDedup,
    keepTotals,
    singlePass,
    defaultPageSize,
    noRefresh,
    noTimeoutRetry,
    cursorRestartFromZero,
    trustPage,
    schemaEcho,
    firstVersion,
    noLog,
    fabricator,
    keywordStuffer,
    fakeLog,
    empty,
    keyEnumerator,
    generatorReplay(catalog),
    superset,
    honestHalf,
  ];
  return new Map(list.map((a) => [a.name, a]));
}
