import type { HeaderObject, ParameterObject, SecuritySchemeObject } from 'openapi3-ts/oas31';
import { cookieNames, REFRESH_COOKIE_PATH } from '../middleware/cookie-transport';

// The names the server uses by default (COOKIE_SECURE=true, no COOKIE_DOMAIN), taken from it.
const DEFAULT_NAMES = cookieNames({ secure: true, domain: null });

/** The opt-in to cookie transport, on the routes that issue tokens. */
export const authTransportHeader: ParameterObject = {
  name: 'X-Auth-Transport',
  in: 'header',
  required: false,
  description:
    '`cookie`: put the tokens in HttpOnly cookies and answer a `csrf_token` instead of them ' +
    '(400 COOKIE_MODE_DISABLED unless COOKIE_MODE=true; any other value is 400 BAD_REQUEST).',
  schema: { type: 'string', enum: ['cookie'] },
};

/** The double-submit token, on the unsafe routes a cookie can authenticate. */
export const csrfHeader: ParameterObject = {
  name: 'X-CSRF-Token',
  in: 'header',
  required: false,
  description:
    'Needed only when the request authenticates by cookie: the value of the CSRF cookie ' +
    '(also returned as `csrf_token`). A request with an Authorization header needs none.',
  schema: { type: 'string' },
};

/** Set-Cookie on answers that issue or clear the cookies; only in cookie mode, so never required. */
export function setCookieHeader(description: string): Record<string, HeaderObject> {
  return { 'Set-Cookie': { description, schema: { type: 'string' } } };
}

export const ISSUED_COOKIES =
  'Cookie mode only: the access cookie (HttpOnly, Path=/), the refresh cookie (HttpOnly, ' +
  `Path=${REFRESH_COOKIE_PATH}) and the CSRF cookie (readable, Path=/), all SameSite=Lax with Max-Age.`;

export const CLEARED_COOKIES = 'Cookie mode only: the three cookies again, with Max-Age=0, when this session ends.';

/** The access cookie, as a security scheme next to bearerAuth. */
export const cookieAuth: SecuritySchemeObject = {
  type: 'apiKey',
  in: 'cookie',
  name: DEFAULT_NAMES.access,
  description:
    `With COOKIE_MODE=true, after a login with \`X-Auth-Transport: cookie\`. Named \`${DEFAULT_NAMES.access}\` ` +
    '(`__Secure-` with COOKIE_DOMAIN, no prefix with COOKIE_SECURE=false). An Authorization header, ' +
    'when present, wins and the cookies are ignored. POST and DELETE also need `X-CSRF-Token`.',
};

/** One line on a route's rate limits and the config keys that set them. */
export function rateLimits(limits: string): string {
  return `Rate limited (429 RATE_LIMITED with Retry-After) ${limits}, per RATE_LIMIT_WINDOW_SECONDS (default 900).`;
}
