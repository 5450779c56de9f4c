import Joi from 'joi';
import { optional, secret, withDefault, type ValuesOf } from './declare';

export interface AdminSettings {
  admin: {
    /** The password `--create-admin` gives a user it creates; unset: a hidden prompt on a terminal. */
    password: string | null;
    auditRetentionDays: number;
  };
  /** null when WEBHOOK_URL is unset: no outbox rows are written, no worker runs. */
  webhooks: {
    url: string;
    secret: string;
    maxAttempts: number;
    timeoutMs: number;
    pollIntervalMs: number;
    backoffBaseMs: number;
  } | null;
}

const MIN_WEBHOOK_SECRET_BYTES = 32;

/** The first admin, the audit log's retention, and the signed user-event webhooks. */
export const ADMIN_KEYS = {
  ADMIN_PASSWORD: secret(
    Joi.string()
      .min(8, 'utf8')
      .max(72, 'utf8')
      .description(
        'Password `node app --create-admin <email>` gives the user it creates; unset: it asks on a terminal, ' +
          'and refuses without one.',
      ),
  ),
  AUDIT_RETENTION_DAYS: withDefault(
    Joi.number()
      .integer()
      .min(1)
      .max(36_500)
      .unit('days')
      .description('`node app --purge` deletes audit events older than this.'),
    365,
  ),
  WEBHOOK_URL: optional(
    Joi.string()
      .uri({ scheme: ['http', 'https'] })
      .description('Where user events are POSTed as signed JSON; unset: no events are sent or queued.'),
  ),
  WEBHOOK_SECRET: secret(
    Joi.string()
      .min(MIN_WEBHOOK_SECRET_BYTES, 'utf8')
      .when('WEBHOOK_URL', { is: Joi.exist(), then: Joi.required() })
      .description(
        `HMAC-SHA256 key of the \`Webhook-Signature\` header (at least ${MIN_WEBHOOK_SECRET_BYTES} bytes); ` +
          'required with WEBHOOK_URL.',
      ),
  ),
  WEBHOOK_MAX_ATTEMPTS: withDefault(
    Joi.number()
      .integer()
      .min(1)
      .max(20)
      .unit('attempts')
      .description('Attempts per event (waits double from WEBHOOK_BACKOFF_BASE_MS) before it is recorded as failed.'),
    8,
  ),
  WEBHOOK_TIMEOUT_MS: withDefault(
    Joi.number()
      .integer()
      .min(100)
      .max(60_000)
      .unit('milliseconds')
      .description('Longest wait for the receiver to answer one attempt; a timeout counts as a failure.'),
    5000,
  ),
  WEBHOOK_POLL_INTERVAL_MS: withDefault(
    Joi.number()
      .integer()
      .min(10)
      .max(60_000)
      .unit('milliseconds')
      .description('How often the worker looks for due events when it found none.'),
    1000,
  ),
  WEBHOOK_BACKOFF_BASE_MS: withDefault(
    Joi.number()
      .integer()
      .min(10)
      .max(600_000)
      .unit('milliseconds')
      .description('Wait before the second attempt; each further wait doubles (at most 1 h).'),
    1000,
  ),
};

export function adminSettings(raw: ValuesOf<typeof ADMIN_KEYS>): Readonly<AdminSettings> {
  const url = raw.WEBHOOK_URL;
  const webhookSecret = raw.WEBHOOK_SECRET;
  return {
    admin: Object.freeze({ password: raw.ADMIN_PASSWORD ?? null, auditRetentionDays: raw.AUDIT_RETENTION_DAYS }),
    webhooks:
      url === undefined || webhookSecret === undefined
        ? null
        : Object.freeze({
            url,
            secret: webhookSecret,
            maxAttempts: raw.WEBHOOK_MAX_ATTEMPTS,
            timeoutMs: raw.WEBHOOK_TIMEOUT_MS,
            pollIntervalMs: raw.WEBHOOK_POLL_INTERVAL_MS,
            backoffBaseMs: raw.WEBHOOK_BACKOFF_BASE_MS,
          }),
  };
}
