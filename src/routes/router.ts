import Router from '@koa/router';
import type { AppState } from '../middleware/context';

/**
 * A router that matches a path exactly as written: letter case and a trailing slash count (RFC 3986
 * §6.2.2.1: a path is case-sensitive). A path-based rule, ours or a proxy's ("block /docs"), must
 * see the one spelling the route answers; `/Adapter/...` used to reach the adapter's routes past a
 * guard on `/adapter`.
 */
export function createRouter(prefix?: string): Router<AppState> {
  return new Router<AppState>({ sensitive: true, strict: true, ...(prefix === undefined ? {} : { prefix }) });
}
