import { QueryTypes, type Sequelize, type Transaction } from 'sequelize';
import { WebhookDelivery, type WebhookDeliveryStatus, type WebhookEventType } from '../models';
import { utcMilliseconds } from './sql-values';

/** One event of the outbox, with the outcome of its attempts so far. */
export interface WebhookDeliveryRow {
  id: number;
  eventId: string;
  type: WebhookEventType;
  userId: number | null;
  body: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  leaseUntil: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

/** What an attempt ended in: delivered, to be tried again at `nextAttemptAt`, or given up. */
export type DeliveryOutcome = Pick<WebhookDeliveryRow, 'status' | 'nextAttemptAt' | 'lastStatusCode' | 'lastError'>;

/** The one place that reads and writes `webhook_deliveries` (the outbox). */
export interface WebhookDeliveriesRepository {
  insert(row: Pick<WebhookDeliveryRow, 'eventId' | 'type' | 'userId' | 'body' | 'nextAttemptAt'>): Promise<void>;
  /**
   * Inside a transaction: takes up to `limit` due events, each the oldest pending event of its user
   * (so one user's events go out in order), skipping rows another process has locked (FOR UPDATE
   * SKIP LOCKED) or leased; leases them until `leaseUntil` and counts the attempt.
   */
  claimDue(now: Date, leaseUntil: Date, limit: number): Promise<WebhookDeliveryRow[]>;
  /** Records an attempt's outcome and ends the lease, if this lease still holds the row. */
  recordOutcome(id: number, leaseUntil: Date, outcome: DeliveryOutcome): Promise<void>;
  /** The newest events first, with their outcomes, and the count of all. */
  listRecent(offset: number, limit: number): Promise<{ deliveries: WebhookDeliveryRow[]; total: number }>;
}

const CLAIM = `
  SELECT id FROM webhook_deliveries AS due
  WHERE due.status = 'pending' AND due.next_attempt_at <= :now
    AND (due.lease_until IS NULL OR due.lease_until <= :now)
    AND NOT EXISTS (
      SELECT 1 FROM webhook_deliveries AS earlier
      WHERE earlier.user_id = due.user_id AND earlier.status = 'pending' AND earlier.id < due.id)
  ORDER BY due.id
  LIMIT :limit
  FOR UPDATE SKIP LOCKED`;

/** The webhook-deliveries repository, inside `transaction` when one is given. */
export function createWebhookDeliveriesRepository(
  sequelize: Sequelize,
  transaction?: Transaction,
): WebhookDeliveriesRepository {
  return {
    async insert(row) {
      await WebhookDelivery.create({ ...row, status: 'pending' }, { transaction });
    },

    async claimDue(now, leaseUntil, limit) {
      const claimed = await sequelize.query<{ id: number }>(CLAIM, {
        replacements: { now: utcMilliseconds(now), limit },
        type: QueryTypes.SELECT,
        transaction,
      });
      if (claimed.length === 0) return [];
      const ids = claimed.map((row) => row.id);
      await WebhookDelivery.increment('attempts', { where: { id: ids }, transaction });
      await WebhookDelivery.update({ leaseUntil }, { where: { id: ids }, transaction });
      return WebhookDelivery.findAll({ where: { id: ids }, order: [['id', 'ASC']], raw: true, transaction });
    },

    async recordOutcome(id, leaseUntil, outcome) {
      const deliveredAt = outcome.status === 'delivered' ? new Date() : null;
      await WebhookDelivery.update(
        { ...outcome, deliveredAt, leaseUntil: null },
        { where: { id, leaseUntil }, transaction },
      );
    },

    async listRecent(offset, limit) {
      const [deliveries, total] = await Promise.all([
        WebhookDelivery.findAll({ order: [['id', 'DESC']], offset, limit, raw: true, transaction }),
        WebhookDelivery.count({ transaction }),
      ]);
      return { deliveries, total };
    },
  };
}
