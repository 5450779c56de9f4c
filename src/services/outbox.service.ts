import { randomUUID } from 'node:crypto';
import type { Config } from '../config';
import type { WebhookEventType } from '../models';
import type { Repositories, UserRecord } from '../repositories';

/** What an event says of its user: never a password hash. */
export interface WebhookUser {
  id: number;
  email: string;
  name: string | null;
  role: UserRecord['role'];
  disabled: boolean;
}

/** The JSON body of one webhook request, signed as sent. */
export interface WebhookEvent {
  id: string;
  type: WebhookEventType;
  created_at: string;
  data: { user: WebhookUser; changes?: Record<string, { from: unknown; to: unknown }> };
}

export interface Outbox {
  /**
   * Queues a user event inside `transaction`, the one of the change it reports: the event is sent
   * if and only if the change commits. Does nothing when WEBHOOK_URL is unset.
   */
  enqueue(
    transaction: Pick<Repositories, 'webhookDeliveries'>,
    type: WebhookEventType,
    user: Pick<UserRecord, 'id' | 'email' | 'name' | 'role' | 'disabledAt'>,
    changes?: WebhookEvent['data']['changes'],
  ): Promise<void>;
}

/** The outbox writer for `settings` (null: webhooks off, nothing is queued). */
export function createOutbox(settings: Config['webhooks']): Outbox {
  return {
    async enqueue(transaction, type, user, changes) {
      if (settings === null) return;
      const now = new Date();
      const event: WebhookEvent = {
        id: randomUUID(),
        type,
        created_at: now.toISOString(),
        data: {
          user: {
            id: user.id,
            email: user.email,
            name: user.name,
            role: user.role,
            disabled: user.disabledAt !== null,
          },
          ...(changes === undefined ? {} : { changes }),
        },
      };
      await transaction.webhookDeliveries.insert({
        eventId: event.id,
        type,
        userId: user.id,
        body: JSON.stringify(event),
        nextAttemptAt: now,
      });
    },
  };
}
