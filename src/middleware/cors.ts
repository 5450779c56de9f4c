import cors from '@koa/cors';
import type { Middleware } from 'koa';
import type { Config } from '../config';
import type { AppState } from './context';

/** Preflight answers may be cached this long by the browser. */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * CORS for the configured origins only, or null when there are none (then no CORS header is ever
 * sent). An allowed origin is echoed exactly, never `*`; any other origin gets no CORS headers,
 * so its browser keeps the response from its script, while same-origin and non-browser clients,
 * which CORS does not concern, are served as before.
 */
export function createCors({ cors: { origins }, cookies }: Readonly<Config>): Middleware<AppState> | null {
  if (origins.length === 0) return null;
  const allowed = new Set(origins);
  return cors({
    origin: (ctx) => {
      const origin = ctx.get('Origin');
      return allowed.has(origin) ? origin : '';
    },
    // Credentials (cookies) only matter in cookie mode; a Bearer header needs no credentials mode.
    credentials: cookies.enabled,
    // Every method a route answers (a test holds this to the OpenAPI document): without PATCH, a
    // browser on an allowed origin could not change a user through the admin API.
    allowMethods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'],
    allowHeaders: ['Authorization', 'Content-Type', 'X-CSRF-Token', 'X-Auth-Transport', 'X-Request-Id'],
    exposeHeaders: ['X-Request-Id', 'Retry-After', 'WWW-Authenticate'],
    maxAge: PREFLIGHT_MAX_AGE_SECONDS,
  });
}
