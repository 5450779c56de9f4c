import { createHash, timingSafeEqual } from 'node:crypto';
import type { Next } from 'koa';
import type { IntrospectionClient } from '../config';
import { AppError } from '../errors/app-error';
import type { AppContext } from './context';

// RFC 7617: the scheme is case-insensitive, the credentials one token68.
const BASIC = /^Basic +([A-Za-z0-9+/]+=*) *$/i;

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined; null when they do not decode. */
function decodeCredentials(header: string): { id: string; secret: string } | null {
  const encoded = BASIC.exec(header)?.[1];
  if (encoded === undefined) return null;
  const text = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return null;
  try {
    const decode = (part: string): string => decodeURIComponent(part.replace(/\+/g, ' '));
    return { id: decode(text.slice(0, colon)), secret: decode(text.slice(colon + 1)) };
  } catch {
    return null;
  }
}

/**
 * Requires HTTP Basic credentials of one of `clients` (RFC 7662 §2.1, RFC 7009 §2.1) and puts the
 * client id on `ctx.state.clientId`; else 401 CLIENT_UNAUTHENTICATED with `WWW-Authenticate: Basic`.
 */
export function createClientAuthentication(clients: readonly IntrospectionClient[]) {
  // Digests of equal length, compared in constant time against every client, with no early exit:
  // the time taken says nothing of which id exists nor how much of a secret was right.
  const known = clients.map(({ id, secret }) => ({ id, idDigest: digest(id), secretDigest: digest(secret) }));
  return async function authenticateClient(ctx: AppContext, next: Next): Promise<void> {
    const presented = decodeCredentials(ctx.get('Authorization'));
    let matched: string | null = null;
    if (presented !== null) {
      const idDigest = digest(presented.id);
      const secretDigest = digest(presented.secret);
      for (const client of known) {
        const idMatches = timingSafeEqual(idDigest, client.idDigest);
        const secretMatches = timingSafeEqual(secretDigest, client.secretDigest);
        if (idMatches && secretMatches) matched = client.id;
      }
    }
    if (matched === null) {
      ctx.set('WWW-Authenticate', 'Basic realm="auth", charset="UTF-8"');
      throw new AppError('CLIENT_UNAUTHENTICATED');
    }
    ctx.state.clientId = matched;
    await next();
  };
}
