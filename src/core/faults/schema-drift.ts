/**
 * Fault kind `schema_drift` (T13): from a seeded request number on (an integer in `from_request`), every row
 * the API serves is in another form than the row schema: the fields of `rename` under their new names, and
 * the number fields of `as_string` as strings (their JSON text in quotes, e.g. "1234.5"). Responses to
 * earlier requests are in the schema. The drift is a property of the response (its request number), so a
 * row_id of a drifted response resolves to the row exactly as it was served (src/core/response-rows.ts); the
 * judge's exactness rule is unchanged, so a row submitted as served is schema-invalid. Only non-key fields
 * drift (checked at load, src/core/task-checks.ts), so a drifted row keeps its primary key.
 */
import type { z } from 'zod';
import { intIn } from '../rng.js';
import type { SchemaDriftSpec } from '../task-spec.js';

type SchemaDrift = z.infer<typeof SchemaDriftSpec>;

export interface SchemaDriftPlan {
  /** The first drifted request number. */
  readonly fromRequest: number;
  readonly rename: Readonly<Record<string, string>>;
  readonly asString: ReadonlySet<string>;
}

export function planSchemaDrift(spec: SchemaDrift, key: number): SchemaDriftPlan {
  return {
    fromRequest: intIn(spec.from_request.min, spec.from_request.max, key, 91),
    rename: spec.rename,
    asString: new Set(spec.as_string),
  };
}

/** Whether the response to request number `seq` is served drifted. */
export function drifted(plan: SchemaDriftPlan | null, seq: number): plan is SchemaDriftPlan {
  return plan !== null && seq >= plan.fromRequest;
}

/** A field's name in a drifted response. */
export function driftedName(plan: SchemaDriftPlan, name: string): string {
  return Object.hasOwn(plan.rename, name) ? plan.rename[name]! : name;
}

/** A field's value in a drifted response. */
export function driftedValue(plan: SchemaDriftPlan, name: string, value: unknown): unknown {
  return plan.asString.has(name) ? String(value) : value;
}

/**
 * Whether a submitted row still carries the drift of a served row: a renamed field under its new name
 * without the schema's name, or an `as_string` field as a string (the judge's evidence).
 */
export function carriesDrift(plan: SchemaDriftPlan, row: Record<string, unknown>): boolean {
  for (const [name, served] of Object.entries(plan.rename)) {
    if (Object.hasOwn(row, served) && !Object.hasOwn(row, name)) return true;
  }
  for (const name of plan.asString) if (typeof row[name] === 'string') return true;
  return false;
}
