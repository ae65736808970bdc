/** Parsing of CLI selections: task lists and seed ranges. Errors name the bad value and the accepted form. */
import { BenchError } from '../core/errors.js';
import { MAX_SEED } from '../core/versions.js';
import type { TaskCatalog } from '../env/task-catalog.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

/** `all` or a comma-separated list of task ids (or their T<n> prefixes). */
export function parseTasks(spec: string, known: readonly string[]): string[] {
  if (spec === 'all') return [...known];
  return spec.split(',').map((raw) => {
    const s = raw.trim();
    const hit = known.find((id) => id === s || id.split('_')[0] === s);
    if (hit === undefined) throw new UsageError(`unknown task '${s}'; known: all, ${known.join(', ')}`);
    return hit;
  });
}

/** `a..b` (inclusive), a comma-separated list, or a mix: `0..9,42`. */
export function parseSeeds(spec: string): number[] {
  const out: number[] = [];
  for (const part of spec.split(',')) {
    const p = part.trim();
    const range = /^(\d+)\.\.(\d+)$/.exec(p);
    if (range) {
      const a = Number(range[1]);
      const b = Number(range[2]);
      if (b < a) throw new UsageError(`seed range '${p}' is empty (use a..b with a <= b)`);
      if (b - a > 1_000_000) throw new UsageError(`seed range '${p}' is too large (at most 1,000,001 seeds)`);
      for (let s = a; s <= b; s++) out.push(checkSeed(s, p));
    } else if (/^\d+$/.test(p)) {
      out.push(checkSeed(Number(p), p));
    } else {
      throw new UsageError(`bad seed '${p}': use a..b, a list like 1,2,3, or both`);
    }
  }
  return out;
}

function checkSeed(s: number, text: string): number {
  if (s > MAX_SEED) throw new UsageError(`seed '${text}' is above ${MAX_SEED}`);
  return s;
}

/** An integer flag within [min, max]; the error names the flag. */
export function intFlag(flag: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${flag} must be an integer from ${min} to ${max}, got '${raw}'`);
  return n;
}

/** An optional flag: undefined when not given, else `parse` of its text. */
export const optional = <T>(raw: string | undefined, parse: (raw: string) => T): T | undefined =>
  raw === undefined ? undefined : parse(raw);

/** A number flag within [min, max]; the error names the flag. */
export function numberFlag(flag: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < min || n > max)
    throw new UsageError(`--${flag} must be a number from ${min} to ${max}, got '${raw}'`);
  return n;
}

/** A --url for a live server: ws(s)://, http(s):// or a bare host:port (ws). */
export function serverUrl(raw: string): string {
  const url = raw.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (url === '' || (scheme !== undefined && !['ws', 'wss', 'http', 'https'].includes(scheme)))
    throw new UsageError(`--url must be ws://host:port or http://host:port (https/wss too), got '${raw}'`);
  return url;
}

/** Checks that every task has the --profile asked for. */
export function checkProfile(catalog: TaskCatalog, taskIds: readonly string[], profile: string): void {
  for (const id of taskIds) {
    try {
      catalog.resolve(id, profile);
    } catch (e) {
      if (e instanceof BenchError) throw new UsageError(`--profile: ${e.message}`);
      throw e;
    }
  }
}
