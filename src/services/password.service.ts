import { randomBytes } from 'node:crypto';
import bcrypt from 'bcrypt';

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Compares against `passwordHash`, or against a dummy hash when there is none. */
  verify(password: string, passwordHash: string | null): Promise<boolean>;
  /** True when `passwordHash` was made at another cost than the configured one. */
  needsRehash(passwordHash: string): boolean;
}

/** bcrypt at the configured cost; the async API runs on libuv's pool, off the event loop. */
export function createPasswordHasher(rounds: number): PasswordHasher {
  // Hashed once, at the configured cost, as soon as the hasher exists (not on the first miss).
  const dummyHash = bcrypt.hash(randomBytes(16).toString('hex'), rounds);
  return {
    hash: (password) => bcrypt.hash(password, rounds),
    async verify(password, passwordHash) {
      if (passwordHash !== null) return bcrypt.compare(password, passwordHash);
      // Unknown email: spend the same bcrypt work as a real compare, so timing does not reveal
      // which emails have accounts.
      await bcrypt.compare(password, await dummyHash);
      return false;
    },
    needsRehash: (passwordHash) => bcrypt.getRounds(passwordHash) !== rounds,
  };
}

/**
 * Whether `password`, verified against `verifiedHash`, is still right now that the stored hash is
 * `currentHash` (read under the user's lock). The same hash needs no second bcrypt run; another
 * one may be a change of password (then false) or a re-hash of the same one at a new cost.
 */
export async function stillMatches(
  passwords: PasswordHasher,
  password: string,
  verifiedHash: string,
  currentHash: string | null,
): Promise<boolean> {
  // A password removed since (null) is no match.
  if (currentHash === null) return false;
  return currentHash === verifiedHash || passwords.verify(password, currentHash);
}
