import Koa from 'koa';
import type { AppContext, AppState } from '../../src/middleware/context';

/** The request id every fake context carries, as the request-id middleware would have set it. */
export const FAKE_REQUEST_ID = 'req-1';

export interface FakeRequest {
  headers?: Record<string, string>;
  method?: string;
  url?: string;
}

/**
 * A real Koa context (Koa's own `app.createContext`) over a fake request and a response that only
 * stores headers: no socket, so `ctx.ip` is empty, and no HTTP. For middleware unit tests.
 */
export function fakeContext({ headers = {}, method = 'GET', url = '/' }: FakeRequest = {}): AppContext {
  const request = { headers, method, url, socket: {} } as never;
  const stored = new Map<string, unknown>();
  const response = {
    getHeaders: () => Object.fromEntries(stored),
    getHeader: (name: string) => stored.get(name.toLowerCase()),
    hasHeader: (name: string) => stored.has(name.toLowerCase()),
    setHeader: (name: string, value: unknown) => stored.set(name.toLowerCase(), value),
    removeHeader: (name: string) => stored.delete(name.toLowerCase()),
  } as never;
  const ctx = new Koa<AppState>().createContext(request, response);
  ctx.state.requestId = FAKE_REQUEST_ID;
  return ctx;
}
