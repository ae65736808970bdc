import { call } from '../types.js';
import type { Agent } from '../types.js';

const pad = (n: number, w: number) => String(n).padStart(w, '0');

export const keyEnumerator: Agent = {
  name: 'key-enumerator',
  description:
    'Fetches nothing: submits, as data_jsonl, key-only rows for every plausible key of the query (12 periods x ' +
    '2 flows x commodity codes 0000..9999 under the chapter), as many as fit in max_submission_bytes.',
  run: async (env) => {
    const info = await call(env, 'get_task_info');
    const q = info.query as Record<string, unknown>;
    const limit = (info.constraints as Record<string, number>).max_submission_bytes - 4096;
    const lines: string[] = [];
    let bytes = 0;
    outer: for (let cmd = 0; cmd < 10000; cmd++) {
      for (const flow of ['M', 'X']) {
        for (let m = 1; m <= 12; m++) {
          const line = JSON.stringify({
            period: `${q.year}${pad(m, 2)}`,
            reporterCode: q.reporterCode,
            partnerCode: q.partnerCode,
            flowCode: flow,
            cmdCode: `${q.hs_chapter}${pad(cmd, 4)}`,
          });
          bytes += line.length + 1;
          if (bytes > limit) break outer;
          lines.push(line);
        }
      }
    }
    await call(env, 'submit_results', { data_jsonl: lines.join('\n') });
  },
};
