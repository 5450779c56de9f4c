import { METHODS } from 'node:http';
import type Router from '@koa/router';
import fc from 'fast-check';
import type Koa from 'koa';
import type { AppState } from '../../src/middleware/context';

/** One route as a router declares it: the methods it answers and its path pattern. */
export interface Route {
  methods: readonly string[];
  pattern: string;
  matches: (path: string) => boolean;
}

/**
 * Every route of every router mounted on the app, read from the routers' own stacks, so a route
 * added later is fuzzed without touching this suite.
 */
export function routesOf(app: Koa<AppState>): Route[] {
  return app.middleware.flatMap((middleware) => {
    const { router } = middleware as { router?: Router<AppState> };
    if (router === undefined) return [];
    return router.stack
      .filter((layer) => layer.methods.length > 0 && typeof layer.path === 'string')
      .map((layer) => ({
        methods: layer.methods,
        pattern: String(layer.path),
        matches: (path: string) => layer.match(path),
      }));
  });
}

// Methods Node's HTTP parser accepts; CONNECT is a tunnel Node answers itself, not the app.
export const PARSEABLE_METHODS = METHODS.filter((method) => method !== 'CONNECT');

/** Every UTF-8 byte percent-encoded (a lone surrogate becomes U+FFFD, as a browser would send it). */
function percentEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
}

/** Path segments a hostile client puts in a URL: percent-encoded unicode, broken escapes, dots. */
const segment = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }).map(percentEncode),
  fc.constantFrom('%', '%zz', '%00', '%ED%A0%80', '%C0%AF', '%2F', '..', '.', '%2e%2e', '~', "'%20OR%201=1--"),
  fc.string({ unit: fc.constantFrom(...Array.from('abcXYZ019-._~!$&()*+,;=:@')), minLength: 1, maxLength: 40 }),
  fc.nat(3000).map((length) => 'p'.repeat(length + 1)),
);

/** The route's path with every `:param` replaced by a hostile segment. */
export function concretePath(route: Route): fc.Arbitrary<string> {
  const parts = route.pattern.split(/(:\w+)/);
  return fc
    .tuple(...parts.map((part) => (part.startsWith(':') ? segment : fc.constant(part))))
    .map((pieces) => pieces.join(''))
    .filter((path) => route.matches(path));
}

/** A path no route matches: random segments, sometimes under a prefix real routes use. */
export function unknownPath(routes: readonly Route[]): fc.Arbitrary<string> {
  const prefixes = [...new Set(routes.map((route) => route.pattern.split('/').slice(0, 2).join('/')))];
  return fc
    .tuple(fc.constantFrom('', ...prefixes), fc.array(segment, { minLength: 1, maxLength: 4 }))
    .map(([prefix, segments]) => `${prefix}/${segments.join('/')}`)
    .filter((path) => !routes.some((route) => route.matches(path) || route.matches(safeDecode(path))));
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** Methods the route does not answer; OPTIONS and a GET route's HEAD are answered by design. */
export function wrongMethods(route: Route): string[] {
  return PARSEABLE_METHODS.filter((method) => !route.methods.includes(method) && method !== 'OPTIONS');
}
