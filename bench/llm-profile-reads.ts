/**
 * npx tsx bench/llm-profile-reads.ts [--profile llm] [--seeds 50] [--row-format objects|columns]
 *
 * What an honest agent reads on a profile: for each task, the characters of tool values the reference solver
 * receives in a whole episode (tool_chars, src/env/trajectory.ts) over seeds 0..n-1, as a Markdown table (median and max,
 * with N, requests and the row format). The README's llm table is this command's output; the limits are
 * tested in test/core/llm-profile-reads-stay-under-40k-characters.test.ts.
 */
import { parseArgs } from 'node:util';
import { InProcessEnv } from '../src/env/in-process.js';
import { reference } from '../src/agents/reference.js';
import { runEpisode } from '../src/agents/runner.js';
import { deriveInstance } from '../src/core/instance.js';
import type { RowFormat } from '../src/core/row-format.js';
import { loadTasks } from '../src/env/task-catalog.js';
import { TrajectoryRecorder } from '../src/env/trajectory.js';

const { values } = parseArgs({
  options: {
    profile: { type: 'string', default: 'llm' },
    seeds: { type: 'string', default: '50' },
    'row-format': { type: 'string' },
  },
});
const profile = values.profile!;
const rowFormat = values['row-format'] as RowFormat | undefined;
const seeds = Number(values.seeds);
const catalog = loadTasks();

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const range = (xs: number[]) => `${Math.min(...xs)}–${Math.max(...xs)}`;

const lines = [
  `| task | N | requests (median) | row format | characters, median | characters, max |`,
  `| --- | --- | --- | --- | ---: | ---: |`,
];
for (const id of catalog.ids) {
  const task = catalog.resolve(id, profile);
  const chars: number[] = [];
  const requests: number[] = [];
  const n: number[] = [];
  for (let seed = 0; seed < seeds; seed++) {
    const recorder = new TrajectoryRecorder(new InProcessEnv(catalog));
    const r = await runEpisode(recorder, reference, { task_id: id, seed, profile, row_format: rowFormat });
    chars.push(recorder.toolChars);
    requests.push(r.requests);
    n.push(deriveInstance(task, seed).n);
  }
  lines.push(
    `| ${id} | ${range(n)} | ${median(requests)} | ${rowFormat ?? task.row_format} | ${median(chars).toLocaleString('en')} | ${Math.max(...chars).toLocaleString('en')} |`,
  );
}
process.stdout.write(`${lines.join('\n')}\n\nprofile ${profile}, seeds 0..${seeds - 1}\n`);
