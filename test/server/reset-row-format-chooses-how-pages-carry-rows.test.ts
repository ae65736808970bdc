/**
 * A reset's row_format chooses how fetch_page carries rows for that episode: "objects" (the default
 * profile's default) or "columns" (the llm profile's), documented in get_task_info; both forms decode to
 * the same rows, an unknown format is a 422 naming the field, and the reference solver scores 100 over /ws
 * in either form.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reference } from '../../src/agents/reference.js';
import { runEpisode } from '../../src/agents/runner.js';
import { connectRemote } from '../../src/client/ws-client.js';
import { COLUMNS } from '../../src/core/dataset.js';
import { pageRows } from '../../src/core/row-format.js';
import { buildApp } from '../../src/server/app.js';
import { call, catalog, httpReset, type Json, listen, testConfig } from './helpers.js';

const app = buildApp(testConfig(), { catalog });
let base = '';
beforeAll(async () => {
  base = await listen(app);
});
afterAll(() => app.close());

/** Resets over HTTP, then returns the structured values of get_task_info and of page 2. */
async function infoAndPage2(reset: Record<string, unknown>): Promise<{ info: Json; page: Json }> {
  const { auth } = await httpReset(app, { task_id: 'T3_duplicates', seed: 9, ...reset });
  const step = async (tool_name: string, args: Record<string, unknown>) => {
    const s = await call(
      app,
      'POST',
      '/step',
      { action: { type: 'call_tool', tool_name, arguments: args } },
      auth,
    );
    expect(s.status).toBe(200);
    return s.body.observation.result.structured_content;
  };
  return { info: await step('get_task_info', {}), page: await step('fetch_page', { page: 2 }) };
}

describe('reset row_format', () => {
  it('columns puts the column list once before rows, each row an array in that order', async () => {
    const objects = await infoAndPage2({});
    const columns = await infoAndPage2({ row_format: 'columns' });
    expect(objects.info.row_format).toBe('objects');
    expect(objects.info).not.toHaveProperty('columns');
    expect(objects.page).not.toHaveProperty('columns');
    expect(columns.info.row_format).toBe('columns');
    expect(columns.info.columns).toEqual([...COLUMNS]);

    const keys = Object.keys(columns.page);
    expect(keys.indexOf('columns')).toBe(keys.indexOf('rows') - 1);
    expect(columns.page.columns).toEqual([...COLUMNS]);
    expect(columns.page.rows[0]).toHaveLength(COLUMNS.length);
    expect(columns.page.rows.length).toBe(objects.page.rows.length);
    expect(pageRows(columns.page)).toEqual(objects.page.rows);
    const { rows: _a, columns: _b, ...rest } = columns.page;
    const { rows: _c, ...objectRest } = objects.page;
    expect(rest).toEqual(objectRest);
  });

  it('the llm profile defaults to columns, and a reset can ask for objects', async () => {
    const llm = await infoAndPage2({ profile: 'llm' });
    expect(llm.info.row_format).toBe('columns');
    expect(llm.page.columns).toEqual([...COLUMNS]);
    const asObjects = await infoAndPage2({ profile: 'llm', row_format: 'objects' });
    expect(asObjects.info.row_format).toBe('objects');
    expect(asObjects.page).not.toHaveProperty('columns');
    expect(pageRows(llm.page)).toEqual(asObjects.page.rows);
  });

  it('an unknown row_format is a 422 naming the field', async () => {
    const r = await call(app, 'POST', '/reset', { task_id: 'T3_duplicates', row_format: 'rows' });
    expect(r.status).toBe(422);
    expect(JSON.stringify(r.body.detail)).toContain('row_format');
  });

  it('the reference solver reads either form over /ws and scores 100', async () => {
    for (const row_format of ['objects', 'columns'] as const) {
      const env = await connectRemote(base);
      try {
        const r = await runEpisode(env, reference, {
          task_id: 'T8_mixed_faults',
          seed: 3,
          profile: 'llm',
          row_format,
        });
        expect(r.score, row_format).toBe(100);
      } finally {
        await env.close();
      }
    }
  });
});
