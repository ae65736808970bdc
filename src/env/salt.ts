/** The recorded form of a deployment's SEED_SALT: a short hash that identifies it without revealing it. */
import { createHash } from 'node:crypto';

/** The salt's hash as reset observations, results and trajectories report it (null without a salt). */
export function saltHashOf(salt: string): string | null {
  return salt === '' ? null : createHash('sha256').update(salt).digest('hex').slice(0, 16);
}
