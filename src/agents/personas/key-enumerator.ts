import type { Agent } from '../types.js';
import { call } from '../types.js';

const pad = (n: number, w: number) => String(n).padStart(w, '0');

export const keyEnumerator: Agent = {
  name: 'key-enumerator',
  description:
    'Fetches nothing: submits key-only rows for every plausible key of the query (12 periods x 2 flows x ' +
    'commodity codes 0000..9999 under the chapter), as many as fit in max_submission_bytes.',
  run: async (env) => {
    const info = await call(env, 'get_task_info');
    const q = info.query as Record<string, unknown>;
    const limit = (info.constraints as Record<string, number>).max_submission_bytes - 4096;
    const rows: Record<string, unknown>[] = [];
    let bytes = 0;
    let rowBytes = 0;
    outer: for (let cmd = 0; cmd < 10000; cmd++) {
      for (const flow of ['M', 'X']) {
        for (let m = 1; m <= 12; m++) {
          const row = {
            period: `${q.year}${pad(m, 2)}`,
            reporterCode: q.reporterCode,
            partnerCode: q.partnerCode,
            flowCode: flow,
            cmdCode: `${q.hs_chapter}${pad(cmd, 4)}`,
          };
          // Every key-only row of a query serialises to the same length; measure the first one.
          rowBytes ||= JSON.stringify(row).length + 1;
          bytes += rowBytes;
          if (bytes > limit) break outer;
          rows.push(row);
        }
      }
    }
    await call(env, 'submit_results', { rows });
  },
};
