/** Parsing of CLI selections: task lists and seed ranges. Errors name the bad value and the accepted form. */
import { MAX_SEED } from '../core/versions.js';

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
