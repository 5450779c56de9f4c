import Joi from 'joi';
import { optional, withDefault, type ValuesOf } from './declare';

export interface CookieConfig {
  /** Whether a client may ask for tokens in cookies (`X-Auth-Transport: cookie`). */
  enabled: boolean;
  secure: boolean;
  /** null: host-only cookies (and the `__Host-` prefix when secure). */
  domain: string | null;
}

export interface HttpSettings {
  host: string;
  port: number;
  cookies: CookieConfig;
  cors: {
    /** Exact origins (`scheme://host[:port]`) allowed to call from a browser; empty = no CORS headers. */
    origins: readonly string[];
  };
  /** Whether X-Forwarded-For is believed, and how many proxy hops of it. */
  proxy: { trusted: boolean; hops: number };
}

/** True for `scheme://host[:port]` exactly as a browser sends it in `Origin`: no path, no slash. */
function isExactOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}

// An allowlist, never a pattern: a typo or a trailing slash would silently match nothing, so refuse it.
// The rule turns the comma-separated text into the list the server reads, hence string<string[]>.
const corsOrigins = Joi.string<string[]>()
  .custom((value: string, helpers) => {
    const origins = value
      .split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin !== '');
    const invalid = origins.find((origin) => !isExactOrigin(origin));
    if (invalid !== undefined) return helpers.error('origin.invalid', { origin: invalid });
    return [...new Set(origins)];
  })
  .messages({
    'origin.invalid':
      '{{#label}} entry "{{#origin}}" must be an origin like https://app.example.com (scheme://host[:port], no path)',
  });

/** Where the server listens, cookies and CORS for browsers, and the proxy in front. */
export const HTTP_KEYS = {
  HOST: withDefault(Joi.string().hostname().description('Interface the HTTP server binds to.'), '127.0.0.1'),
  PORT: withDefault(
    Joi.number().integer().min(0).max(65535).description('Port the HTTP server binds to; 0 picks a free one.'),
    3000,
  ),
  COOKIE_MODE: withDefault(
    Joi.boolean().description(
      'true: browser clients may send `X-Auth-Transport: cookie` on signup/login/refresh to get tokens in HttpOnly cookies.',
    ),
    false,
  ),
  // Without Secure, tokens would travel in clear over HTTP; only http://localhost development may do that.
  COOKIE_SECURE: withDefault(
    Joi.boolean()
      .when('NODE_ENV', {
        is: 'production',
        then: Joi.valid(true).messages({ 'any.only': '{{#label}} must be true in production' }),
      })
      .description('Mark the cookies Secure (HTTPS only); false is for http://localhost development.'),
    true,
  ),
  COOKIE_DOMAIN: optional(
    Joi.string()
      .domain({ tlds: false })
      .description('Domain of the cookies (e.g. example.com to share them with subdomains); unset: host-only.'),
  ),
  CORS_ORIGINS: withDefault(
    corsOrigins.description(
      'Comma-separated exact origins (https://app.example.com) allowed to call from a browser; empty: no CORS headers.',
    ),
    [],
  ),
  // Off by default: without a proxy in front, X-Forwarded-For is whatever the client wants it to be.
  TRUST_PROXY: withDefault(
    Joi.boolean().description(
      'Believe X-Forwarded-For for the client IP: true only behind a reverse proxy that sets it.',
    ),
    false,
  ),
  TRUST_PROXY_HOPS: withDefault(
    Joi.number()
      .integer()
      .min(1)
      .max(10)
      .unit('proxies')
      .description('With TRUST_PROXY: how many proxies in front of the server append to X-Forwarded-For.'),
    1,
  ),
};

export function httpSettings(raw: ValuesOf<typeof HTTP_KEYS>): Readonly<HttpSettings> {
  return {
    host: raw.HOST,
    port: raw.PORT,
    cookies: Object.freeze({ enabled: raw.COOKIE_MODE, secure: raw.COOKIE_SECURE, domain: raw.COOKIE_DOMAIN ?? null }),
    cors: Object.freeze({ origins: Object.freeze(raw.CORS_ORIGINS) }),
    proxy: Object.freeze({ trusted: raw.TRUST_PROXY, hops: raw.TRUST_PROXY_HOPS }),
  };
}
