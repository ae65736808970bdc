/**
 * Tool values written as JSON text directly. The hot results (a served page, get_task_info) are mostly
 * bytes the episode can write without building objects: transports splice that text into their frames,
 * and the object is built only when a caller asks for it (in-process agents, the MCP SDK). Both faces
 * are the same value: `json()` is byte-identical to `JSON.stringify(value())` (tested).
 */

export interface DirectValue {
  /** The value as an object, built on first use. */
  value(): Record<string, unknown>;
  /** `JSON.stringify(value())`. */
  json(): string;
  /** `JSON.stringify(json())`: the text as a JSON string literal, when it can be had cheaper than that. */
  readonly escapedJson?: () => string;
  /** The response status and its number of rows, for one-line summaries, when the value has them. */
  readonly status?: number;
  readonly rowCount?: number;
}

/** Brands DirectValue implementations (tool handlers return either one or a plain object). */
export const DIRECT: unique symbol = Symbol('directValue');

export function isDirectValue(v: unknown): v is DirectValue {
  return (v as { [DIRECT]?: true } | null)?.[DIRECT] === true;
}

/** A DirectValue from its two writers; each face is computed once. */
export class LazyValue implements DirectValue {
  readonly [DIRECT] = true;
  private built: Record<string, unknown> | undefined;
  private text: string | undefined;

  constructor(
    private readonly build: () => Record<string, unknown>,
    private readonly write: () => string,
    readonly escapedJson?: () => string,
  ) {}

  value(): Record<string, unknown> {
    return (this.built ??= this.build());
  }

  json(): string {
    return (this.text ??= this.write());
  }
}

/** JSON.stringify(text) without its outer quotes. */
const escapeBody = (text: string): string => JSON.stringify(text).slice(1, -1);

/** A template hole's value. */
export type Hole = string | number | null;

/** What JSON.stringify writes for a hole's value. */
const holeText = (v: Hole): string =>
  typeof v === 'string' ? JSON.stringify(v) : v !== null && Number.isFinite(v) ? String(v) : 'null';

/**
 * The JSON text of a value in which only a few scalars change: serialised (and escaped) once, then
 * filled by concatenation. Holes are strings, numbers or null.
 */
export class JsonTemplate {
  private escapedParts: readonly string[] | null = null;

  private constructor(private readonly parts: readonly string[]) {}

  /**
   * Serialises the value `build(hole)` returns once, where `hole(k)` marks where hole k's number goes
   * (each hole exactly once, in serialisation order). Null when the value's text would make the marks
   * ambiguous (never with the values this project builds; callers then serialise each time).
   */
  static of(build: (hole: (k: number) => unknown) => unknown, holes: number): JsonTemplate | null {
    const mark = (k: number) => `\u0000cb-hole-${k}\u0000`;
    const text = JSON.stringify(build(mark));
    const parts: string[] = [];
    let from = 0;
    for (let k = 0; k < holes; k++) {
      const quoted = JSON.stringify(mark(k));
      const at = text.indexOf(quoted, from);
      if (at < 0) return null;
      parts.push(text.slice(from, at));
      from = at + quoted.length;
    }
    parts.push(text.slice(from));
    if (parts.some((p) => p.includes('cb-hole-'))) return null;
    return new JsonTemplate(parts);
  }

  /** The template with its first holes filled with `values` (the rest stay holes, in order). */
  prefill(values: readonly Hole[]): JsonTemplate {
    let head = this.parts[0]!;
    for (let k = 1; k <= values.length; k++) head += holeText(values[k - 1]!) + this.parts[k]!;
    return new JsonTemplate([head, ...this.parts.slice(values.length + 1)]);
  }

  fill(values: readonly Hole[]): string {
    let s = this.parts[0]!;
    for (let k = 1; k < this.parts.length; k++) s += holeText(values[k - 1] ?? null) + this.parts[k]!;
    return s;
  }

  /** `JSON.stringify(fill(values))`. */
  fillEscaped(values: readonly Hole[]): string {
    // Escaping is per character, so each fixed part is escaped once; holes are escaped as they come.
    const parts = (this.escapedParts ??= this.parts.map(escapeBody));
    let s = `"${parts[0]!}`;
    for (let k = 1; k < parts.length; k++) {
      const v = values[k - 1] ?? null;
      s += (typeof v === 'string' ? escapeBody(holeText(v)) : holeText(v)) + parts[k]!;
    }
    return `${s}"`;
  }
}
