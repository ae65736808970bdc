/**
 * The model harness relays and records; it never retries, deduplicates, filters totals, logs or submits on
 * the model's behalf. Any such logic would have to read a tool result's fields (status, retry_after_s,
 * rows, row_id, is_total ...), compare HTTP statuses, or single out a tool by name: this test parses every
 * source file of src/eval and fails on any of them. (The behaviour itself — a 429 reaching the model
 * verbatim, exactly one tool message per environment call — is tested in
 * honest-model-solves-t4-and-t7-on-llm.test.ts.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { TOOLS } from '../../src/core/tools.js';

const EVAL_DIR = fileURLToPath(new URL('../../src/eval', import.meta.url));

/** Field names of tool results and arguments that retry, dedup, totals, log or submit logic would read. */
const RESULT_FIELDS = new Set([
  'status',
  'retry',
  'retry_after_s',
  'wait_s',
  'rows',
  'row_id',
  'row_ids',
  'is_total',
  'total_rows',
  'total_pages',
  'has_more',
  'page',
  'page_size',
  'run_log',
  'data_jsonl',
  'primary_key',
]);
/** The statuses fetch_page answers with. */
const STATUSES = new Set([200, 402, 429, 500]);
const TOOL_NAMES = new Set(TOOLS.map((t) => t.name));

/** Every identifier, property name, string literal or number in `source` that such logic would need. */
function resultLogic(file: string, source: string): string[] {
  const found: string[] = [];
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const visit = (node: ts.Node): void => {
    const where = () => `${file}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    if ((ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) && RESULT_FIELDS.has(node.text))
      found.push(`${where()} field ${node.text}`);
    if (ts.isStringLiteralLike(node) && (RESULT_FIELDS.has(node.text) || TOOL_NAMES.has(node.text)))
      found.push(`${where()} string '${node.text}'`);
    if (ts.isNumericLiteral(node) && STATUSES.has(Number(node.text)))
      found.push(`${where()} status ${node.text}`);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

describe('the model harness', () => {
  const files = readdirSync(EVAL_DIR).filter((f) => f.endsWith('.ts'));

  it('has source files to check', () => {
    expect(files).toEqual(expect.arrayContaining(['loop.ts', 'episode.ts', 'prompt.ts', 'provider.ts']));
  });

  it.each(files)('%s reads no tool-result field, compares no status and names no tool', (file) => {
    expect(resultLogic(file, readFileSync(join(EVAL_DIR, file), 'utf8'))).toEqual([]);
  });

  it('the check finds such logic where it exists', () => {
    const retrying = `
      const r = await env.callTool(call.name, args);
      if (r.value?.status === 429) await env.callTool('fetch_page', { ...args, wait_s: r.value['retry_after_s'] });
      const kept = rows.filter((row) => !row.is_total);`;
    expect(resultLogic('sample.ts', retrying)).toEqual([
      'sample.ts:3 field status',
      'sample.ts:3 status 429',
      "sample.ts:3 string 'fetch_page'",
      'sample.ts:3 field wait_s',
      "sample.ts:3 string 'retry_after_s'",
      'sample.ts:4 field rows',
      'sample.ts:4 field is_total',
    ]);
  });
});
