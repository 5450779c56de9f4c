import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';

export const WEBHOOK_SECRET = 'test-webhook-secret-of-at-least-32-bytes!';

/** One request the receiver got: what a real receiver would read. */
export interface ReceivedWebhook {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  event: { id: string; type: string; data: { user: Record<string, unknown>; changes?: Record<string, unknown> } };
}

/**
 * What the receiver answers to the nth request (0-based): a status, `hang` (never answers), or
 * `stream` (200 with a body of STREAMED_BYTES, written as fast as the sender reads it).
 */
export type Answer = (index: number, webhook: ReceivedWebhook) => number | 'hang' | 'stream';

/** The size of a `stream` answer's body: far more than a sender should ever hold. */
const STREAMED_BYTES = 64 * 1024 * 1024;
const STREAMED_CHUNK = Buffer.alloc(64 * 1024, 'x');

/** Whether a `stream` answer's body was sent to its end, or the sender closed the connection first. */
type StreamOutcome = 'complete' | 'cut off';

/** Writes STREAMED_BYTES to `response`, in chunks, waiting whenever the sender does not read. */
function streamBody(response: http.ServerResponse): Promise<StreamOutcome> {
  function* chunks(): Generator<Buffer> {
    for (let sent = 0; sent < STREAMED_BYTES; sent += STREAMED_CHUNK.length) yield STREAMED_CHUNK;
  }
  response.writeHead(200, { 'Content-Type': 'application/octet-stream' });
  return pipeline(Readable.from(chunks()), response).then(
    (): StreamOutcome => 'complete',
    (): StreamOutcome => 'cut off',
  );
}

/** The verification of docs/reference/admin.md, as a receiver would run it. */
export function verifyWebhook(rawBody: string, signatureHeader: string, secret: string, toleranceSeconds = 300) {
  const { t, v1 } = Object.fromEntries(signatureHeader.split(',').map((part) => part.split('=')));
  if (!t || !v1 || Math.abs(Date.now() / 1000 - Number(t)) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
  const given = Buffer.from(v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A real HTTP receiver in the test process, on a free port. */
export async function startReceiver(answer: Answer = () => 204) {
  const received: ReceivedWebhook[] = [];
  /** How many requests are being handled right now, per event id; the most seen at once. */
  const inFlight = new Map<string, number>();
  let maxConcurrentPerEvent = 0;
  const hanging: http.ServerResponse[] = [];
  const streamed: Promise<StreamOutcome>[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const webhook: ReceivedWebhook = {
        id: String(request.headers['webhook-id']),
        timestamp: String(request.headers['webhook-timestamp']),
        signature: String(request.headers['webhook-signature']),
        body,
        event: JSON.parse(body) as ReceivedWebhook['event'],
      };
      const index = received.length;
      received.push(webhook);
      const now = (inFlight.get(webhook.id) ?? 0) + 1;
      inFlight.set(webhook.id, now);
      maxConcurrentPerEvent = Math.max(maxConcurrentPerEvent, now);
      const status = answer(index, webhook);
      if (status === 'hang') {
        hanging.push(response);
        return;
      }
      if (status === 'stream') {
        inFlight.set(webhook.id, (inFlight.get(webhook.id) ?? 1) - 1);
        streamed.push(streamBody(response));
        return;
      }
      // A little work per request, so that two senders of one event would overlap here.
      void sleep(20).then(() => {
        inFlight.set(webhook.id, (inFlight.get(webhook.id) ?? 1) - 1);
        response.writeHead(status).end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    /** One outcome per `stream` answer, settled when its body ended or its connection closed. */
    streamed,
    maxConcurrentPerEvent: () => maxConcurrentPerEvent,
    async close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The environment that points a server at `url`. */
export function webhookEnv(url: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    WEBHOOK_URL: url,
    WEBHOOK_SECRET,
    WEBHOOK_TIMEOUT_MS: '500',
    WEBHOOK_BACKOFF_BASE_MS: '50',
    WEBHOOK_MAX_ATTEMPTS: '4',
    WEBHOOK_POLL_INTERVAL_MS: '50',
    ...extra,
  };
}
