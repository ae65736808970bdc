/**
 * Each envelope checked on every message (a step's action, the POST /step body, a /ws message) has a
 * hand-written fast check beside its zod schema (src/env/schemas.ts Envelope). Over thousands of seeded,
 * generated envelopes, valid and invalid, the fast check accepts exactly what the schema accepts and
 * returns an equal value, and every rejection is worded by zod.
 */
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { BenchError } from '../../src/core/errors.js';
import { actionEnvelope, type Envelope, parseEnvelope } from '../../src/env/schemas.js';
import { stepRequestEnvelope, wsMessageEnvelope } from '../../src/server/wire/envelopes.js';

const CASES = 4000;

type Rng = () => number;
const ABSENT = Symbol('absent');
type Choice = unknown | typeof ABSENT;

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;

/** Any JSON value (as JSON.parse gives it: 1e400 parses to Infinity), a few levels deep. */
function anyJson(rng: Rng, depth = 2): unknown {
  const r = rng();
  if (depth === 0 || r < 0.5)
    return pick(rng, [null, true, false, 0, -0, 1, -1, 0.5, 25, Infinity, '', 'x', 'call_tool', 'state']);
  if (r < 0.7) return Array.from({ length: Math.floor(rng() * 3) }, () => anyJson(rng, depth - 1));
  const o: Record<string, unknown> = {};
  for (let i = Math.floor(rng() * 3); i > 0; i--)
    o[pick(rng, ['a', 'page', 'type', 'data'])] = anyJson(rng, depth - 1);
  return o;
}

/** A key's candidate values: valid ones (ABSENT: leave the key out) and invalid ones. */
interface Field {
  readonly valid: readonly Choice[];
  readonly invalid: readonly Choice[];
}

/**
 * An object with each key valid most of the time (so that about half of the objects are valid), an
 * invalid value or any JSON value otherwise; sometimes an extra key, sometimes any JSON value instead.
 */
function envelopeOf(rng: Rng, fields: Record<string, Field>, extras: readonly string[]): unknown {
  if (rng() < 0.03) return anyJson(rng);
  const o: Record<string, unknown> = {};
  for (const [key, { valid, invalid }] of Object.entries(fields)) {
    const r = rng();
    const v = r < 0.87 ? pick(rng, valid) : r < 0.96 ? pick(rng, invalid) : anyJson(rng);
    if (v !== ABSENT) o[key] = v;
  }
  if (rng() < 0.08) o[pick(rng, extras)] = anyJson(rng);
  return o;
}

const objects: readonly Choice[] = [{}, { page: 1 }, { a: { b: [1, 'x'] } }];
const notObjects: readonly Choice[] = [[], [{}], null, 'x', 5, true];
const long = (n: number) => 'e'.repeat(n);

function anAction(rng: Rng): unknown {
  const extras = ['extra', 'action', 'data', 'episode_id'];
  const metadata = { valid: [...objects, ABSENT, ABSENT, ABSENT], invalid: notObjects };
  if (rng() < 0.3)
    return envelopeOf(
      rng,
      {
        type: { valid: ['list_tools'], invalid: ['LIST_TOOLS', 'call_tool', 5, ABSENT] },
        metadata,
        tool_name: { valid: [ABSENT], invalid: ['fetch_page'] },
      },
      extras,
    );
  return envelopeOf(
    rng,
    {
      type: { valid: ['call_tool'], invalid: ['bogus', 'CALL_TOOL', 5, ABSENT] },
      tool_name: { valid: ['fetch_page', 'get_task_info', 'x'], invalid: ['', 5, null, ABSENT] },
      arguments: { valid: [...objects, ABSENT], invalid: notObjects },
      metadata,
    },
    extras,
  );
}

const generators: Array<[string, Envelope<unknown>, (rng: Rng) => unknown]> = [
  ['a step action (list_tools | call_tool)', actionEnvelope, anAction],
  [
    'the POST /step body',
    stepRequestEnvelope,
    (rng) =>
      envelopeOf(
        rng,
        {
          // Any object is a valid `action` here: the action itself is the env's to check.
          action: { valid: [anAction(rng), ...objects], invalid: [...notObjects, ABSENT] },
          episode_id: { valid: ['ep-1', 'e', long(255), ABSENT], invalid: [long(256), '', 5, null] },
          timeout_s: { valid: [1, 0.5, 30, ABSENT, ABSENT], invalid: [0, -1, -0, Infinity, '1', null] },
          request_id: { valid: ['r-1', '', long(255), ABSENT, ABSENT], invalid: [long(256), 7, null] },
        },
        ['render', 'seed', 'metadata'],
      ),
  ],
  [
    'a /ws message',
    wsMessageEnvelope,
    (rng) => {
      const type = pick(rng, ['reset', 'step', 'state', 'close', 'mcp'] as const);
      const data =
        type === 'reset'
          ? { valid: [anAction(rng), ...objects, ABSENT], invalid: notObjects }
          : type === 'state' || type === 'close'
            ? { valid: [ABSENT], invalid: [{}, ...notObjects] }
            : { valid: [anAction(rng), ...objects], invalid: [...notObjects, ABSENT] };
      return envelopeOf(
        rng,
        {
          type: { valid: [type], invalid: ['bogus', 'toString', '__proto__', '', 5, ABSENT] },
          data,
        },
        ['extra', 'id', 'episode_id'],
      );
    },
  ],
];

describe.each(generators)('%s', (name, envelope, generate) => {
  it(`the fast check accepts exactly what the zod schema accepts, with an equal value (${CASES} cases)`, () => {
    const rng = seedrandom(`envelopes:${name}`);
    let accepted = 0;
    for (let i = 0; i < CASES; i++) {
      const raw = generate(rng);
      const fast = envelope.fast(raw);
      const zod = envelope.schema.safeParse(raw);
      expect({ raw, accepted: fast !== null }).toEqual({ raw, accepted: zod.success });
      if (zod.success) {
        expect(fast).toEqual(zod.data);
        accepted += 1;
      }
    }
    // Both sides of the boundary are well covered.
    expect(accepted).toBeGreaterThan(CASES / 5);
    expect(CASES - accepted).toBeGreaterThan(CASES / 5);
  });

  it('every rejection is a CB_ERR_VALIDATION carrying zod’s own issues', () => {
    const rng = seedrandom(`envelopes:${name}:errors`);
    let rejected = 0;
    for (let i = 0; i < CASES / 4; i++) {
      const raw = generate(rng);
      const zod = envelope.schema.safeParse(raw);
      if (zod.success) continue;
      rejected += 1;
      let thrown: unknown;
      try {
        parseEnvelope(envelope, raw);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(BenchError);
      const e = thrown as BenchError<'CB_ERR_VALIDATION'>;
      expect(e.code).toBe('CB_ERR_VALIDATION');
      expect(e.args.errors).toEqual(
        zod.error.issues.map((i) => ({ type: i.code, loc: i.path, msg: i.message })),
      );
    }
    expect(rejected).toBeGreaterThan(CASES / 20);
  });
});
