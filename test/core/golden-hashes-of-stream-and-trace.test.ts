/**
 * Golden hashes: the served stream (streamRow at every position) and the full trace of the reference solver
 * for a few (task, profile, seed) triples, and on the harder tier also what the agent was told (every
 * fetch_page reply and the auth of every get_task_info reply: tokens and cursors, cut pages with their
 * row_count, drifted rows, record versions and as_of). Any unintended change to generation, placement,
 * faults or the pipeline changes one of these; an intended change must update them (and the benchmark
 * version).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { streamRow } from '../../src/core/dataset.js';
import { deriveInstance } from '../../src/core/instance.js';
import { referencePlan } from '../../src/core/judge/reference-plan.js';
import { type Call, catalog, run } from './helpers.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

const GOLDEN = [
  {
    task: 'T2_multi_page',
    profile: 'default',
    seed: 0,
    n: 2387,
    streamLength: 2387,
    rStar: 5,
    tStarMs: 500,
    stream: 'ab9dbd4d80535e2ff4258c13da5d5d1ab3bc0f7fb5ab25db395acb9a639569d3',
    trace: '21b5a52a692f37eda08592b26b3a80d2f59d5e5f05dbf0c00fc42d59f41e5d35',
  },
  {
    task: 'T6_page_drift',
    profile: 'default',
    seed: 3,
    n: 292,
    streamLength: 292,
    rStar: 53,
    tStarMs: 5300,
    stream: '7740ba10bd524b2cc9aa2da805c443d0c67910288a884a3c33b013254a689fd2',
    trace: '12752bba59fcf7a9b2bd4f27595c74d18e45d590c371fd6c697b406610b8054b',
  },
  {
    task: 'T7_totals_trap',
    profile: 'default',
    seed: 1,
    n: 792,
    streamLength: 796,
    rStar: 4,
    tStarMs: 400,
    stream: '93f821a294bb1bcd08ea4ee3a1761410530d902dc645ed962e5253babdcbd448',
    trace: '48b3b06b689c7405d931da73b55d173678d96a62983e31e8a51311c15eea8856',
  },
  {
    task: 'T9_adaptive_adversary',
    profile: 'default',
    seed: 7,
    n: 717,
    streamLength: 793,
    rStar: 46,
    tStarMs: 12600,
    stream: '4656fb26442280c0aac8c90a84ef862ac8354c8b6d4f5e3d7101115fcf6c6177',
    trace: '5fcb39e0c0cdcc0d62aa273c034c213cf3394a6f77c3816c30e6f7345d8a1487',
  },
  {
    task: 'T10_constrained_budget',
    profile: 'default',
    seed: 2,
    n: 1463,
    streamLength: 1610,
    rStar: 11,
    tStarMs: 5100,
    stream: '142162855a3b43714f32dba32d01b493cff72af6d54ad393f2bf1f4d532402d0',
    trace: '6c3a31e4932bc47bc20ff3b95e83eb54de03d33b08925c0908e1dd64c9713399',
  },
  {
    task: 'T6_page_drift',
    profile: 'llm',
    seed: 3,
    n: 60,
    streamLength: 60,
    rStar: 23,
    tStarMs: 2300,
    stream: 'd336d36aefa698e21810f8b841621653de35b9e02e3663440ccdc6c9f6d7b951',
    trace: '67e9e33e800fc387e5186a65f43b1b2c6bc90dda60ceedbaeb916dbfa8b06b1c',
  },
  {
    task: 'T9_adaptive_adversary',
    profile: 'llm',
    seed: 7,
    n: 148,
    streamLength: 167,
    rStar: 28,
    tStarMs: 8800,
    stream: '4acb143888905f7bab8caab028fad6401c65da8edbfe91f479536633c2b19ec3',
    trace: '37e82818315cab713ca1600773d766bc0c8cc7c7e101e7a1d712837e7aee37c8',
  },
  {
    task: 'T11_auth_expiry',
    profile: 'default',
    seed: 2,
    n: 290,
    streamLength: 290,
    rStar: 14,
    tStarMs: 1400,
    stream: '2cf4cf544f5d45153d411890a47a9a9559b880efc5ceece829ffff19e09688ef',
    trace: 'fd254d01adccb12056d7549e087b03c3ae3c4f1741d9c8fb274982a334f469f4',
    replies: 'b88c911af48b085e112be19c9b03d7c7ffe4e45a5c2ddfd2949d063695b6c0a7',
  },
  {
    task: 'T14_timeouts',
    profile: 'default',
    seed: 5,
    n: 295,
    streamLength: 295,
    rStar: 14,
    tStarMs: 21200,
    stream: '7c5ad571692ba097040f269c209c2f8b171cd7efbbe2661d83ce6b7f8ccf8768',
    trace: '08a26067770d23e6371c645874c0a6cbb01f2c2e26baa471076abc90f48da208',
    replies: '1ac158afc8146dede5f50b1c7cefb9071cf8299bab10060db3f3706c8dec6e6c',
  },
  {
    task: 'T16_cursor_pagination',
    profile: 'default',
    seed: 4,
    n: 516,
    streamLength: 516,
    rStar: 28,
    tStarMs: 2800,
    stream: '8de4fafd46e6b6f66411e94b163553c66060dfab1d5cd3c63dfb9643bf6de2fe',
    trace: '623bcf253a9b8056b81a14167bbfc3eae56f3b74edaa40a033b67ff7048c1f51',
    replies: '63c25683eab64ef0b03be910c96ed386ee1047ef8005e667af85ed5aaca1b327',
  },
  {
    task: 'T16_cursor_pagination',
    profile: 'llm',
    seed: 1,
    n: 118,
    streamLength: 118,
    rStar: 14,
    tStarMs: 1400,
    stream: '23415bd3bfa2fbe28cd0af6949665cad404d901884fc0e1131a0febc9298846c',
    trace: '36a54cc84b372b16c1bda5473dd557d113fd8fb5e286c44e216d90c923c566e9',
    replies: 'e8d2a62a1986867210c77253c93f87c2c2721d190fdad73bf46632f625326944',
  },
  {
    task: 'T12_truncated_page',
    profile: 'default',
    seed: 2,
    n: 303,
    streamLength: 303,
    rStar: 19,
    tStarMs: 1900,
    stream: 'd49245d6cabf5487feb8a5876133526f21e1d5dc1fee2b4e013420858c8f1ad2',
    trace: 'f5fe706c06fa11931055d84c3fe913b55487cecb8c47b32e1665b8933d552343',
    replies: 'bd605c9b5bb484caf6f15692f02bba3343892e2f97c0572025590acd89119be0',
  },
  {
    task: 'T13_schema_drift',
    profile: 'llm',
    seed: 4,
    n: 103,
    streamLength: 103,
    rStar: 11,
    tStarMs: 1100,
    stream: '054cb94bcbb0273a8d1e6963654cd0acdfcc16a868acb1040e32173d367773c3',
    trace: '94071498995e9877ccecf4081156401ea8bd492dfd742af2979a8e2e89b84910',
    replies: 'b43517b1eda5eaa235199fdc0483922e23c46fdc10f52139d26dd1dafb9b2160',
  },
  {
    task: 'T15_stale_records',
    profile: 'default',
    seed: 3,
    n: 306,
    streamLength: 306,
    rStar: 19,
    tStarMs: 1900,
    stream: 'fa8651f6881e0612128e3a2a2fd3e547c17a4acd248723e67ccc0be00e599400',
    trace: 'e3aef13cef1488f4318def62ba0474126cc26465bc305acc6831bb4fde3f2dbf',
    replies: 'd2a408498e7b85eaa72963b376813a34a955fca1e8a4841e714fa21ea4b17a12',
  },
] as const;

/** Every fetch_page reply, and the auth (tokens) of every get_task_info reply, in order. */
const toldToTheAgent = (calls: readonly Call[]) =>
  calls
    .filter((c) => c.name !== 'submit_results')
    .map((c) => (c.name === 'fetch_page' ? c.reply.value : (c.reply.value?.auth ?? null)));

describe('golden hashes', () => {
  for (const g of GOLDEN) {
    it(`${g.task}/${g.profile} seed ${g.seed}: served stream, reference plan and reference trace are unchanged`, async () => {
      const inst = deriveInstance(catalog.resolve(g.task, g.profile), g.seed);
      expect(inst.n).toBe(g.n);
      expect(inst.streamLength).toBe(g.streamLength);
      const lines: string[] = [];
      for (let pos = 0; pos < inst.streamLength; pos++) lines.push(JSON.stringify(streamRow(inst, pos)));
      expect(sha256(lines.join('\n'))).toBe(g.stream);
      const plan = referencePlan(inst);
      expect([plan.requests, plan.timeMs]).toEqual([g.rStar, g.tStarMs]);
      const { episode, calls } = await run('reference', g.task, g.seed, g.profile);
      expect(sha256(JSON.stringify(episode.api.trace))).toBe(g.trace);
      if ('replies' in g) expect(sha256(JSON.stringify(toldToTheAgent(calls)))).toBe(g.replies);
    });
  }
});
