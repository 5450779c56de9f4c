import { Op, type Transaction, type WhereOptions } from 'sequelize';
import { AuditEvent, type AuditAction, type AuditChanges } from '../models';

/** One line of the audit log as the services see it. */
export interface AuditEventRow {
  id: number;
  /** Null: the system. */
  actorId: number | null;
  action: AuditAction;
  targetUserId: number | null;
  requestId: string | null;
  ip: string | null;
  changes: AuditChanges | null;
  createdAt: Date;
}

/** Which entries to list: each filter optional; `actorId` null means the system. */
export interface AuditFilter {
  actorId?: number | null;
  targetUserId?: number;
  action?: AuditAction;
  since?: Date;
  offset: number;
  limit: number;
}

/** The one place that reads and writes `audit_events`: insert, list and purge, never update. */
export interface AuditEventsRepository {
  insert(event: Omit<AuditEventRow, 'id' | 'createdAt'>): Promise<void>;
  /** Newest first, and the count of all that match. */
  list(filter: AuditFilter): Promise<{ events: AuditEventRow[]; total: number }>;
  /** Deletes up to `limit` entries created before `before`; returns how many. */
  deleteOlderThan(before: Date, limit: number): Promise<number>;
}

/** The audit-events repository, inside `transaction` when one is given. */
export function createAuditEventsRepository(transaction?: Transaction): AuditEventsRepository {
  return {
    async insert(event) {
      await AuditEvent.create(event, { transaction });
    },

    async list({ actorId, targetUserId, action, since, offset, limit }) {
      const where: WhereOptions<AuditEvent> = {
        ...(actorId === undefined ? {} : { actorId }),
        ...(targetUserId === undefined ? {} : { targetUserId }),
        ...(action === undefined ? {} : { action }),
        ...(since === undefined ? {} : { createdAt: { [Op.gte]: since } }),
      };
      const [events, total] = await Promise.all([
        AuditEvent.findAll({ where, order: [['id', 'DESC']], offset, limit, raw: true, transaction }),
        AuditEvent.count({ where, transaction }),
      ]);
      return { events, total };
    },

    deleteOlderThan: (before, limit) =>
      AuditEvent.destroy({ where: { createdAt: { [Op.lt]: before } }, limit, transaction }),
  };
}
