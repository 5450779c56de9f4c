import type { AuditAction, AuditChanges } from '../models';
import type { AuditEventRow, Repositories } from '../repositories';

/** Where a request came from, as the audit log records it. */
export interface RequestOrigin {
  requestId: string | null;
  ip: string | null;
}

/** The origin of what the command line or a background job does. */
export const SYSTEM_ORIGIN: RequestOrigin = { requestId: null, ip: null };

/** One audit entry: `actorId` null for the system. `changes` never holds a password, hash or token. */
export interface AuditEntry {
  actorId: number | null;
  action: AuditAction;
  targetUserId: number | null;
  changes?: AuditChanges;
}

/**
 * Appends an entry to the audit log inside `transaction`, the one of the change it records: both
 * commit or neither does.
 */
export async function recordAudit(
  transaction: Pick<Repositories, 'auditEvents'>,
  entry: AuditEntry,
  origin: RequestOrigin,
): Promise<void> {
  await transaction.auditEvents.insert({ changes: null, ...entry, requestId: origin.requestId, ip: origin.ip });
}

/**
 * What the password-reset path calls in the transaction that sets the new password: the user reset
 * their own password (actor and target are the user).
 */
export function recordPasswordReset(
  transaction: Pick<Repositories, 'auditEvents'>,
  userId: number,
  origin: RequestOrigin,
): Promise<void> {
  return recordAudit(transaction, { actorId: userId, action: 'password.reset', targetUserId: userId }, origin);
}

/** An audit entry as the API shows it. */
export interface AuditEventDto {
  id: number;
  /** The acting user's id, or `system`. */
  actor: number | 'system';
  action: AuditAction;
  target_user_id: number | null;
  request_id: string | null;
  ip: string | null;
  changes: AuditChanges | null;
  created_at: string;
}

export function toAuditEventDto(row: AuditEventRow): AuditEventDto {
  return {
    id: row.id,
    actor: row.actorId ?? 'system',
    action: row.action,
    target_user_id: row.targetUserId,
    request_id: row.requestId,
    ip: row.ip,
    changes: row.changes,
    created_at: row.createdAt.toISOString(),
  };
}
