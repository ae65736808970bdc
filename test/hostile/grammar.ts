/**
 * A small grammar of hostile inputs for the hostile-input suite: JSON values written as text by hand (so
 * they can hold duplicate keys, `__proto__` keys, number literals JSON.stringify cannot write, and nesting
 * deeper than JSON.stringify can recurse), hostile values and keys, and mutations of valid envelopes.
 * Everything is drawn from a seeded generator (seedrandom): the same seed gives the same inputs.
 */
import seedrandom from 'seedrandom';

/** A JSON object as an ordered list of entries (keys may repeat, `__proto__` is an ordinary key). */
export class Obj {
  constructor(readonly entries: ReadonlyArray<readonly [string, J]>) {}
}
/** JSON text written verbatim (huge literals, deep nesting). */
export class Raw {
  constructor(readonly text: string) {}
}
export type J = null | boolean | number | string | J[] | Obj | Raw;

/** An object from a plain record (own keys only, in order). */
export const obj = (o: Record<string, J>): Obj => new Obj(Object.entries(o));

/** The JSON text of a value. */
export function text(v: J): string {
  if (v instanceof Raw) return v.text;
  if (v instanceof Obj) return `{${v.entries.map(([k, x]) => `${JSON.stringify(k)}:${text(x)}`).join(',')}}`;
  if (Array.isArray(v)) return `[${v.map(text).join(',')}]`;
  return JSON.stringify(v);
}

/** The value with one key set (replacing every entry of that key, or appended). */
export function withKey(o: Obj, key: string, v: J): Obj {
  const rest = o.entries.filter(([k]) => k !== key);
  return new Obj([...rest, [key, v]]);
}

export class Gen {
  private readonly r: () => number;
  constructor(seed: string) {
    this.r = seedrandom(seed);
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.r() * n);
  }
  chance(p: number): boolean {
    return this.r() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  /** One of weighted choices: [weight, value] pairs. */
  weighted<T>(xs: ReadonlyArray<readonly [number, T]>): T {
    let total = 0;
    for (const [w] of xs) total += w;
    let x = this.r() * total;
    for (const [w, v] of xs) {
      x -= w;
      if (x < 0) return v;
    }
    return xs[xs.length - 1]![1];
  }
}

/** Keys that are dangerous as property names, or merely unexpected. */
export const HOSTILE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
  '',
  ' ',
  'type',
  'data',
  'action',
  'arguments',
  'episode_id',
  'session_id',
  '\u0000',
  'é',
  '😀',
  'k'.repeat(300),
] as const;

/** Names that must be unknown values (never an inherited property) wherever text is looked up. */
export const PROTO_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'];

/** The marker a prototype-pollution payload tries to plant on Object.prototype. */
export const POLLUTION_MARK = 'polluted_by_hostile_input';

const pollution = (): J[] => [
  new Obj([['__proto__', obj({ [POLLUTION_MARK]: 1 })]]),
  obj({ constructor: obj({ prototype: obj({ [POLLUTION_MARK]: 1 }) }) }),
  new Obj([['__proto__', new Obj([['__proto__', obj({ [POLLUTION_MARK]: 1 })]])]]),
];

const LONG = [255, 256, 1000, 10_000].map((n) => 'x'.repeat(n));
// Deeper than any recursive walk survives (10,000), but rarely: parsing it is what costs.
const DEEP = [64, 64, 1_000, 1_000, 10_000].flatMap((n) => [
  new Raw('['.repeat(n) + ']'.repeat(n)),
  new Raw('{"a":'.repeat(n) + '1' + '}'.repeat(n)),
]);

/** Deeply nested JSON text, bounded so the parser's cost stays small. */
const deep = (g: Gen): Raw => g.pick(DEEP);

/** A hostile value: wrong types, extremes, long strings, nesting, pollution payloads. */
export function hostileValue(g: Gen, depth = 0): J {
  // Nesting, deep text and long arrays only at the top: a value stays small, and parsing it cheap.
  const kind = g.int(depth === 0 ? 9 : 6);
  switch (kind) {
    case 0:
      return g.pick<J>([
        0,
        -1,
        1,
        0.5,
        -0.5,
        1e308,
        -1e308,
        2 ** 31,
        2 ** 32,
        2 ** 53,
        4294967296,
        5e-324,
        new Raw('-0'),
        new Raw('1e999'),
        new Raw('-1e999'),
        new Raw('9007199254740993'),
        new Raw('123456789012345678901234567890123456789'),
        new Raw('1E400'),
        new Raw('0.0000000000000000000000000000001'),
      ]);
    case 1:
      return g.pick<J>([
        '',
        ' ',
        '0',
        '1',
        '-1',
        'null',
        'true',
        '{"a":1}',
        '\u0000',
        '\ud800',
        '😀',
        'é',
        '<script>alert(1)</script>',
        '../../etc/passwd',
        '%00',
        'T1_single_page',
        'T10_constrained_budget',
        'default',
        'llm',
        'full',
        'compact',
        ...PROTO_NAMES,
      ]);
    case 2:
      return LONG[depth === 0 ? g.int(LONG.length) : g.int(2)]!;
    case 3:
      return g.pick<J>([true, false, null]);
    case 4:
      return g.pick<J>([[], obj({}), [null], [[]], [1, 'a', null]]);
    case 5:
      return g.pick(pollution());
    case 6:
      return deep(g);
    case 7: // bounded: only the outermost array may be long, so a value stays small
      return Array.from({ length: depth === 0 ? g.pick([2, 5, 50]) : 1 + g.int(3) }, () =>
        hostileValue(g, depth + 1),
      );
    default:
      return new Obj(
        Array.from(
          { length: 1 + g.int(4) },
          () => [g.pick(HOSTILE_KEYS), hostileValue(g, depth + 1)] as const,
        ),
      );
  }
}

/** A mutated copy of a value: one change at a random place in it. */
export function mutate(g: Gen, v: J): J {
  if (v instanceof Obj && v.entries.length > 0 && g.chance(0.65)) {
    const i = g.int(v.entries.length);
    const entries = v.entries.slice();
    entries[i] = [entries[i]![0], mutate(g, entries[i]![1])];
    return new Obj(entries);
  }
  if (Array.isArray(v) && v.length > 0 && g.chance(0.5)) {
    const i = g.int(v.length);
    const copy = v.slice();
    copy[i] = mutate(g, copy[i]!);
    return copy;
  }
  return mutateHere(g, v);
}

function mutateHere(g: Gen, v: J): J {
  if (v instanceof Obj && g.chance(0.5)) {
    const e = v.entries;
    switch (g.int(5)) {
      case 0: {
        // drop a key
        const drop = g.int(Math.max(1, e.length));
        return new Obj(e.filter((_, i) => i !== drop));
      }
      case 1: // an extra, hostile key
        return new Obj([...e, [g.pick(HOSTILE_KEYS), hostileValue(g)]]);
      case 2: // a key given twice, the second time with another value
        return e.length === 0 ? v : new Obj([...e, [g.pick(e)[0], hostileValue(g)]]);
      case 3: // a key renamed to a hostile one
        return e.length === 0
          ? v
          : new Obj(e.map(([k, x], i) => [i === 0 ? g.pick(HOSTILE_KEYS) : k, x] as const));
      default: // a pollution payload merged in
        return new Obj([...e, ...(g.pick(pollution()) as Obj).entries]);
    }
  }
  switch (g.int(6)) {
    case 0:
      return [v];
    case 1:
      return obj({ value: v });
    case 2:
      return typeof v === 'number' ? String(v) : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null;
    default:
      return hostileValue(g);
  }
}

/** Text-level damage: truncation, stray characters, garbage, or not JSON at all. */
export function damage(g: Gen, t: string): string | Buffer {
  switch (g.int(9)) {
    case 0:
      return t.slice(0, g.int(t.length + 1));
    case 1: {
      const i = g.int(t.length + 1);
      return (
        t.slice(0, i) + g.pick(['{', '}', '[', ']', '"', ',', ':', '\\', '\u0000', 'x', ' ']) + t.slice(i)
      );
    }
    case 2: {
      const i = g.int(Math.max(1, t.length));
      return t.slice(0, i) + t.slice(i + 1);
    }
    case 3:
      return t + g.pick(['}', ']', ',', ' garbage', '{}', '\n{"type":"state"}']);
    case 4:
      return `\ufeff${t}`;
    case 5:
      return g.pick(['', ' ', '\n', 'null', 'true', '0', '"text"', 'NaN', 'undefined', "{'a':1}", '{a:1}']);
    case 6: // invalid UTF-8 in the middle
      return Buffer.concat([
        Buffer.from(t.slice(0, t.length >> 1)),
        Buffer.from([0xc3, 0x28, 0xff, 0xfe]),
        Buffer.from(t.slice(t.length >> 1)),
      ]);
    case 7:
      return Buffer.from(Array.from({ length: 1 + g.int(64) }, () => g.int(256)));
    default:
      return t.replace(/"/g, "'");
  }
}
