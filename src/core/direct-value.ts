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
