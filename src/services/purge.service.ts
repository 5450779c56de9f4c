import type { Database } from '../repositories';

export interface PurgeResult {
  blockedTokens: number;
  sessions: number;
  rateLimits: number;
  /** Auth.js sessions and email sign-in tokens past their expiry. */
  authjsSessions: number;
  verificationTokens: number;
  /** OpenID Connect sign-ins started but never completed, and one-time codes never exchanged. */
  oidcLogins: number;
  oidcCodes: number;
  /** Password-reset and email-verification tokens used or past their expiry. */
  emailTokens: number;
}

/** Rows per DELETE: small enough that no statement holds its locks for long. */
const PURGE_BATCH_SIZE = 5000;

/** The tables purged, each able to delete a batch of its expired rows. */
export type PurgedTables = Pick<
  Database,
  | 'blockedTokens'
  | 'sessions'
  | 'rateLimits'
  | 'authjsSessions'
  | 'verificationTokens'
  | 'oidcLogins'
  | 'oidcCodes'
  | 'emailTokens'
>;

/**
 * Deletes blocklist, refresh-token, rate-limit, Auth.js session, verification-token, OIDC login,
 * OIDC code and email-token rows whose own expiry has passed (email tokens also once used), in
 * batches, and returns how many went. Such rows protect nothing: the token they describe is dead anyway
 * (a session's first row stays until the session's end: it dates the session, see deleteExpired).
 * Several instances may run this at once: each batch only deletes rows that are still there.
 */
export async function purgeExpired(
  tables: PurgedTables,
  now: Date = new Date(),
  batchSize: number = PURGE_BATCH_SIZE,
): Promise<PurgeResult> {
  const purge = (table: PurgedTables[keyof PurgedTables]) =>
    deleteInBatches(() => table.deleteExpired(now, batchSize), batchSize);
  return {
    blockedTokens: await purge(tables.blockedTokens),
    sessions: await purge(tables.sessions),
    rateLimits: await purge(tables.rateLimits),
    authjsSessions: await purge(tables.authjsSessions),
    verificationTokens: await purge(tables.verificationTokens),
    oidcLogins: await purge(tables.oidcLogins),
    oidcCodes: await purge(tables.oidcCodes),
    emailTokens: await purge(tables.emailTokens),
  };
}

/**
 * Deletes audit events older than `retentionDays` before `now`, in batches; returns how many. The
 * only way an audit event ever leaves the table.
 */
export function purgeAuditEvents(
  tables: Pick<Database, 'auditEvents'>,
  retentionDays: number,
  now: Date = new Date(),
  batchSize: number = PURGE_BATCH_SIZE,
): Promise<number> {
  const before = new Date(now.getTime() - retentionDays * 86_400_000);
  return deleteInBatches(() => tables.auditEvents.deleteOlderThan(before, batchSize), batchSize);
}

/** Repeats a limited DELETE until a batch comes back short; returns the total deleted. */
async function deleteInBatches(deleteBatch: () => Promise<number>, batchSize: number): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await deleteBatch();
    total += deleted;
    if (deleted < batchSize) return total;
  }
}
