import type { Next } from 'koa';
import { AppError } from '../errors/app-error';
import { CASE_MESSAGES } from '../errors/catalogue';
import type { AppContext } from './context';

/**
 * Header fields the app reads as one value. Sent on several lines, Node keeps the first line of
 * some (Host, Authorization, Content-Type) and joins the others with ", ": either way the server
 * would act on a value while a proxy in front may have acted on another line (request smuggling,
 * a confused deputy). RFC 9110 §5.3 allows repeating only fields defined as lists, so a repeat of
 * these is a malformed request, answered 400.
 *
 * Left out on purpose: Content-Length and Transfer-Encoding (Node's parser itself refuses a
 * repeated or conflicting framing, answered by client-error.ts); Cookie (RFC 9113 §8.2.3 joins
 * cookie lines with "; ", as Node does, so no pair is lost); X-Forwarded-For and Content-Encoding
 * (lists by definition, read in order); User-Agent (stored for display, decides nothing).
 */
const SINGLE_VALUE_FIELDS: ReadonlyMap<string, string> = new Map(
  [
    // RFC 9112 §3.2: a request with more than one Host line must be answered 400.
    'Host',
    // The credential checked must not depend on which line a hop kept.
    'Authorization',
    // Decides which parser reads the body.
    'Content-Type',
    // CORS and the CSRF check compare these exactly.
    'Origin',
    'Access-Control-Request-Method',
    'X-CSRF-Token',
    // Decides whether tokens travel in cookies.
    'X-Auth-Transport',
    // Correlates log lines: one request, one id.
    'X-Request-Id',
  ].map((name) => [name.toLowerCase(), name]),
);

// RFC 9112 §3.2 and RFC 3986 §3.2.2: uri-host [":" port], where uri-host is an IP literal in
// brackets or a reg-name (which also covers IPv4 and the empty host of a URI without authority).
const HOST_FIELD =
  /^(?:\[(?:[0-9A-Fa-f:.]+|v[0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+)\]|(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*)(?::[0-9]*)?$/;

/** The first single-value field that appears on more than one line, by its canonical name. */
function repeatedField(rawHeaders: readonly string[]): string | null {
  const seen = new Set<string>();
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const name = (rawHeaders[index] ?? '').toLowerCase();
    const canonical = SINGLE_VALUE_FIELDS.get(name);
    if (canonical === undefined) continue;
    if (seen.has(name)) return canonical;
    seen.add(name);
  }
  return null;
}

/**
 * 400 BAD_REQUEST, in the JSON error shape, for a request whose header fields cannot be read
 * unambiguously: a single-value field on several lines, an HTTP/1.1 request without Host, or a
 * Host that is not host[:port] (RFC 9112 §3.2). Runs inside the error handler and before CORS, so
 * every request, preflights included, passes through it. Not async, as requestId: a throw here
 * reaches the error handler as a rejection all the same (koa-compose catches it).
 */
export function checkHeaderFields(ctx: AppContext, next: Next): Promise<void> {
  const repeated = repeatedField(ctx.req.rawHeaders);
  if (repeated !== null) throw new AppError('BAD_REQUEST', { message: CASE_MESSAGES.headerRepeated(repeated) });
  const host = ctx.req.headers.host;
  if (host === undefined) {
    // HTTP/1.0 predates Host and may omit it; HTTP/1.1 must send it.
    if (ctx.req.httpVersion !== '1.0') throw new AppError('BAD_REQUEST', { message: CASE_MESSAGES.hostMissing });
  } else if (!HOST_FIELD.test(host)) {
    throw new AppError('BAD_REQUEST', { message: CASE_MESSAGES.hostInvalid });
  }
  return next();
}
