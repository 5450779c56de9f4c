import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Database, DeliveryOutcome, WebhookDeliveryRow } from '../repositories';

type WebhookSettings = NonNullable<Config['webhooks']>;

/** Events claimed per round: each the oldest pending one of its user, sent in parallel. */
const CLAIM_BATCH = 10;
/** A claim outlives the longest attempt by this much, so no other process can take a row in flight. */
const LEASE_MARGIN_MS = 1000;
const MAX_BACKOFF_MS = 3_600_000;

/**
 * The `Webhook-Signature` value: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. The
 * timestamp is signed with the body, so a receiver that rejects old timestamps also rejects replays.
 */
export function signWebhook(secret: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
  return `t=${timestampSeconds},v1=${mac}`;
}

/** The wait before attempt `attempts + 1`: `baseMs` doubled per attempt made, at most an hour. */
export function backoffMs(attempts: number, baseMs: number): number {
  return Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.max(0, attempts - 1));
}

/** What one HTTP attempt ended in, without the body or any secret. */
async function attempt(
  settings: WebhookSettings,
  row: WebhookDeliveryRow,
): Promise<{ ok: boolean; status: number | null; error: string | null }> {
  const timestamp = Math.floor(Date.now() / 1000);
  try {
    const response = await fetch(settings.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Webhook-Id': row.eventId,
        'Webhook-Timestamp': String(timestamp),
        'Webhook-Signature': signWebhook(settings.secret, timestamp, row.body),
      },
      body: row.body,
      // A redirect could send the signed event somewhere the operator never configured.
      redirect: 'manual',
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
    // Only the status counts and no body is kept: cancelled unread, so a receiver cannot make us buffer one.
    await response.body?.cancel().catch(() => undefined);
    const ok = response.status >= 200 && response.status < 300;
    return { ok, status: response.status, error: ok ? null : `HTTP ${response.status}` };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    const code = typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : null;
    return { ok: false, status: null, error: (code ?? (error instanceof Error ? error.name : 'error')).slice(0, 255) };
  }
}

export interface WebhookWorker {
  /** Claims the due events once and sends them; resolves with how many it sent (or tried). */
  runOnce(): Promise<number>;
  /** Stops polling; resolves once the round in progress has recorded its outcomes. */
  stop(): Promise<void>;
}

/**
 * Sends the outbox to WEBHOOK_URL, at least once per event. Several processes may run one each: a
 * claim is FOR UPDATE SKIP LOCKED plus a lease (see WebhookDeliveriesRepository.claimDue), so no two
 * send one event at once, and an event whose sender died is claimed again when its lease runs out.
 */
export function startWebhookWorker(
  database: Database,
  settings: WebhookSettings,
  logger: Logger,
  options: { poll: boolean } = { poll: true },
): WebhookWorker {
  let stopped = false;
  // Aborted by stop(), so that shutting down never waits out a poll interval.
  const idle = new AbortController();

  async function deliver(row: WebhookDeliveryRow, leaseUntil: Date): Promise<void> {
    const result = await attempt(settings, row);
    const outcome: DeliveryOutcome = result.ok
      ? { status: 'delivered', nextAttemptAt: row.nextAttemptAt, lastStatusCode: result.status, lastError: null }
      : {
          status: row.attempts >= settings.maxAttempts ? 'failed' : 'pending',
          nextAttemptAt: new Date(Date.now() + backoffMs(row.attempts, settings.backoffBaseMs)),
          lastStatusCode: result.status,
          lastError: result.error,
        };
    await database.webhookDeliveries.recordOutcome(row.id, leaseUntil, outcome);
    if (!result.ok)
      logger.warn({ eventId: row.eventId, attempts: row.attempts, error: result.error }, 'webhook attempt failed');
  }

  async function runOnce(): Promise<number> {
    const now = new Date();
    const leaseUntil = new Date(now.getTime() + settings.timeoutMs + LEASE_MARGIN_MS);
    const claimed = await database.inTransaction((transaction) =>
      transaction.webhookDeliveries.claimDue(now, leaseUntil, CLAIM_BATCH),
    );
    await Promise.all(claimed.map((row) => deliver(row, leaseUntil)));
    return claimed.length;
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      const sent = await runOnce().catch((error: unknown) => {
        logger.error({ err: error }, 'webhook round failed');
        return 0;
      });
      if (sent === 0) await sleep(settings.pollIntervalMs, undefined, { signal: idle.signal }).catch(() => undefined);
    }
  }

  const running = options.poll ? loop() : Promise.resolve();
  return {
    runOnce,
    async stop() {
      stopped = true;
      idle.abort();
      await running;
    },
  };
}
