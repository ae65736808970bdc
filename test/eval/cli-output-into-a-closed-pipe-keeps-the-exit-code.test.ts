/**
 * The executable (src/cli/main.ts) when its reader stops early, as in `comtradebench rescore FILE | head -1`:
 * no EPIPE crash, the command finishes its work, and it exits with its own code (3 here: the last of many
 * trajectories has a changed score).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { captureIo, tempDir } from './helpers.js';

it('rescore piped into head -1 prints one line, no EPIPE, and exits 3', async () => {
  const dir = tempDir();
  const file = join(dir, 'traj.jsonl');
  const io = captureIo();
  const args = ['run', '--agent', 'reference', '--tasks', 'T1', '--seeds', '0..149', '--trajectories', file];
  expect(await runCli(args, io), io.stderr).toBe(0);
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const last = JSON.parse(lines.at(-1)!) as { score: number };
  last.score -= 1;
  writeFileSync(file, [...lines.slice(0, -1), JSON.stringify(last)].join('\n') + '\n');

  const run = spawnSync(
    'bash',
    [
      '-c',
      `node --import tsx src/cli/main.ts rescore '${file}' | head -1; echo "exit \${PIPESTATUS[0]}" >&2`,
    ],
    { encoding: 'utf8', timeout: 15_000 },
  );
  expect(run.stdout.trim().split('\n')).toHaveLength(1);
  expect(run.stdout).toMatch(/^ok +T1_single_page seed 0 /);
  expect(run.stderr).not.toMatch(/EPIPE|Unhandled/);
  expect(run.stderr.trim().split('\n').at(-1)).toBe('exit 3');
});
