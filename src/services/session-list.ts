import type { RefreshTokenRow } from '../repositories';

/** One session as its user sees it. */
export interface SessionDto {
  id: string;
  created_at: string;
  last_used_at: string;
  ip: string | null;
  user_agent: string | null;
  current: boolean;
}

/**
 * The session list, oldest first, from the live row of each session (its newest refresh token:
 * last use, client) and when each session started (`startTimes`, by session id).
 */
export function toSessionList(
  liveRows: readonly RefreshTokenRow[],
  startTimes: ReadonlyMap<string, Date>,
  currentSessionId: string,
): SessionDto[] {
  return liveRows
    .map((row) => ({
      id: row.familyId,
      // A session whose first row is gone (purged before purges kept it) started no later than this row.
      created_at: (startTimes.get(row.familyId) ?? row.createdAt).toISOString(),
      last_used_at: row.lastUsedAt.toISOString(),
      ip: row.ip,
      user_agent: row.userAgent,
      current: row.familyId === currentSessionId,
    }))
    .sort((a, b) => a.created_at.localeCompare(b.created_at));
}
