import { performance } from 'node:perf_hooks';
import type { Next } from 'koa';
import type { Logger } from 'pino';
import { UNMATCHED_ROUTE, type Metrics } from '../metrics/metrics';
import type { AppContext } from './context';

/** What @koa/router leaves on the context: the template of the route that answered, and its parameters. */
type RoutedContext = AppContext & { routerPath?: string; params?: Record<string, string> };

/**
 * Path parameters that name a resource and are no credential. Any other (an Auth.js `sessionToken`,
 * a `providerAccountId` that is an email) is logged as its `:name`: a new route's parameter stays out
 * of the logs until it is listed here.
 */
const LOGGED_PARAMETERS = new Set(['id', 'provider', 'asset']);

/** The path as logged: the route's template with only the listed parameters filled in; unrouted, see unroutedPath. */
function loggedPath(ctx: RoutedContext): string {
  const route = ctx.routerPath;
  if (route === undefined) return unroutedPath(ctx.path);
  const params = ctx.params ?? {};
  return route.replace(/:(\w+)/g, (placeholder, name: string) => {
    const value = params[name];
    return LOGGED_PARAMETERS.has(name) && value !== undefined ? encodeURIComponent(value) : placeholder;
  });
}

/**
 * What is logged of a path no route matched: its first segment, and "/…" for the rest.
 */
function unroutedPath(path: string): string {
  // A path can carry a credential (/adapter/sessions/<Auth.js session token>), also when its method
  // or secret is wrong: only the route template, or else the first segment, is ever written.
  const next = path.indexOf('/', 1);
  return next === -1 ? path : `${path.slice(0, next)}/…`;
}

/**
 * One log line and one metrics observation per request, written after the error handler has
 * set the final status. Only the path is logged (a routed one without its credential parameters,
 * an unrouted one as its first segment), never the query string, headers or body, so no token,
 * password or cookie can reach the logs from here.
 */
export function createRequestObserver(logger: Logger, metrics: Metrics | null) {
  return async function observeRequest(ctx: RoutedContext, next: Next): Promise<void> {
    const startedAt = performance.now();
    let status: number | undefined;
    try {
      await next();
    } catch (error) {
      // Only reached if the error handler itself failed; Koa will answer 500.
      status = 500;
      throw error;
    } finally {
      status ??= ctx.status;
      const durationMs = performance.now() - startedAt;
      const route = ctx.routerPath;
      metrics?.observeRequest(ctx.method, route ?? UNMATCHED_ROUTE, status, durationMs / 1000);
      const line = {
        requestId: ctx.state.requestId,
        method: ctx.method,
        path: loggedPath(ctx),
        route,
        status,
        durationMs: Math.round(durationMs * 100) / 100,
        userId: ctx.state.auth?.user.id,
      };
      if (status >= 500) logger.error(line, 'request');
      else logger.info(line, 'request');
    }
  };
}
