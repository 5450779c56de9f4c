import type { Next } from 'koa';
import type { AppContext } from './context';

/**
 * Headers every response carries, those Node answers itself included (see client-error.ts).
 * Responses of an auth server hold tokens and personal data: never stored by caches (RFC 6749
 * §5.1 requires it for token responses), never sniffed into another type, never framed.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
};

/** Not async, as requestId: next()'s own promise is handed on. */
export function securityHeaders(ctx: AppContext, next: Next): Promise<void> {
  ctx.set(SECURITY_HEADERS);
  return next();
}
