import { randomUUID } from 'node:crypto';
import type { Next } from 'koa';
import type { AppContext } from './context';

// Only a short, plain id from the client is echoed; anything else could forge log lines.
const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * Gives every request an id (the client's `X-Request-Id` when it is safe) and echoes it back.
 * Not async: it hands on next()'s own promise, which spares every request an async frame.
 */
export function requestId(ctx: AppContext, next: Next): Promise<void> {
  const incoming = ctx.get('X-Request-Id');
  ctx.state.requestId = SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  ctx.set('X-Request-Id', ctx.state.requestId);
  return next();
}
