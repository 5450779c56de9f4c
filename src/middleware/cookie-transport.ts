import { randomBytes, timingSafeEqual } from 'node:crypto';
import { parseCookie, stringifySetCookie } from 'cookie';
import type { CookieConfig } from '../config';
import { AppError } from '../errors/app-error';
import { CASE_MESSAGES } from '../errors/catalogue';
import type { TokenPairDto } from '../services/auth.service';
import type { AppContext } from './context';

/** The refresh cookie goes only to the refresh route, so no other request ever carries it. */
export const REFRESH_COOKIE_PATH = '/auth/refresh';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface CookieNames {
  access: string;
  refresh: string;
  csrf: string;
}

/** What a cookie-transport answer carries instead of the tokens. */
export interface CookieSessionDto {
  expires_in: number;
  refresh_expires_in: number;
  csrf_token: string;
}

/**
 * `__Host-` cookies must be Secure, host-only and Path=/, so a sibling subdomain cannot plant or
 * shadow them; `__Secure-` (for a Domain or a narrower Path) at least proves HTTPS set them.
 */
export function cookieNames({ secure, domain }: Pick<CookieConfig, 'secure' | 'domain'>): CookieNames {
  const rootPrefix = !secure ? '' : domain === null ? '__Host-' : '__Secure-';
  const securePrefix = secure ? '__Secure-' : '';
  return {
    access: `${rootPrefix}access_token`,
    refresh: `${securePrefix}refresh_token`,
    csrf: `${rootPrefix}csrf_token`,
  };
}

/** Equal strings, compared in constant time so the comparison leaks nothing but the length. */
function sameSecret(given: string, expected: string): boolean {
  const left = Buffer.from(given, 'utf8');
  const right = Buffer.from(expected, 'utf8');
  return left.length > 0 && left.length === right.length && timingSafeEqual(left, right);
}

/** Tokens in cookies for browsers that opt in, with a double-submit CSRF token. */
export function createCookieTransport(config: CookieConfig) {
  const names = cookieNames(config);
  const cookies = [
    { role: 'access', path: '/', httpOnly: true },
    { role: 'refresh', path: REFRESH_COOKIE_PATH, httpOnly: true },
    // Readable by the page's script: that is how it copies the token into X-CSRF-Token.
    { role: 'csrf', path: '/', httpOnly: false },
  ] as const;

  function write(ctx: AppContext, values: Record<keyof CookieNames, { value: string; maxAge: number }>): void {
    for (const { role, path, httpOnly } of cookies) {
      const header = stringifySetCookie({
        name: names[role],
        ...values[role],
        path,
        httpOnly,
        // Secure follows config, not this hop: TLS normally ends at a proxy, which is why Koa's
        // ctx.cookies (which also writes no Max-Age) would refuse Secure here over plain HTTP.
        secure: config.secure,
        sameSite: 'lax',
        ...(config.domain === null ? {} : { domain: config.domain }),
      });
      ctx.append('Set-Cookie', header);
    }
  }

  function read(ctx: AppContext, name: string): string | null {
    const header = ctx.get('Cookie');
    if (!config.enabled || header === '') return null;
    const value = parseCookie(header)[name];
    return value === undefined || value === '' ? null : value;
  }

  return {
    /** Whether this server lets clients ask for cookies (COOKIE_MODE). */
    isEnabled: config.enabled,

    /** True when the request opted in with `X-Auth-Transport: cookie`; 400 when it may not. */
    isRequested(ctx: AppContext): boolean {
      const value = ctx.get('X-Auth-Transport');
      if (value === '') return false;
      if (value.trim().toLowerCase() !== 'cookie') {
        throw new AppError('BAD_REQUEST', { message: CASE_MESSAGES.authTransportInvalid });
      }
      if (!config.enabled) throw new AppError('COOKIE_MODE_DISABLED');
      return true;
    },

    accessTokenOf: (ctx: AppContext): string | null => read(ctx, names.access),
    refreshTokenOf: (ctx: AppContext): string | null => read(ctx, names.refresh),

    /** Whether a request that authenticates by cookie must prove it came from our own page. */
    needsCsrfCheck: (ctx: AppContext): boolean => UNSAFE_METHODS.has(ctx.method),

    /**
     * Double submit: another site can make the browser send our cookies, but cannot read the CSRF
     * cookie to copy it into a header (and a custom header from another origin needs CORS consent).
     */
    requireCsrfToken(ctx: AppContext): void {
      const expected = read(ctx, names.csrf);
      if (expected === null || !sameSecret(ctx.get('X-CSRF-Token'), expected)) {
        throw new AppError('CSRF_TOKEN_INVALID');
      }
    },

    /** Sets the access, refresh and a fresh CSRF cookie; returns the body fields that replace the tokens. */
    issue(ctx: AppContext, pair: TokenPairDto): CookieSessionDto {
      const csrfToken = randomBytes(32).toString('base64url');
      write(ctx, {
        access: { value: pair.access_token, maxAge: pair.expires_in },
        refresh: { value: pair.refresh_token, maxAge: pair.refresh_expires_in },
        // As long as the refresh cookie: refreshing by cookie needs it.
        csrf: { value: csrfToken, maxAge: pair.refresh_expires_in },
      });
      return { expires_in: pair.expires_in, refresh_expires_in: pair.refresh_expires_in, csrf_token: csrfToken };
    },

    /** Expires all three cookies (same name, path and domain as when set); a no-op without cookie mode. */
    clear(ctx: AppContext): void {
      const expired = { value: '', maxAge: 0 };
      if (config.enabled) write(ctx, { access: expired, refresh: expired, csrf: expired });
    },
  };
}

export type CookieTransport = ReturnType<typeof createCookieTransport>;
