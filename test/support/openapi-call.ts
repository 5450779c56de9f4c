import type { Response, Test } from 'supertest';
import { ADAPTER_SECRET } from './config';
import { api, loggedInUser } from './factories';

/** What a scenario knows of the documented operation it exercises. */
export interface OperationCall {
  method: string;
  path: string;
  secured: boolean;
  /** The documented valid request body, if the operation takes one. */
  validBody: unknown;
}

/** Performs the real request a documented example describes, and returns the real response. */
export type Scenario = (operation: OperationCall) => Promise<Response>;

export const bearer = (token: string): string => `Bearer ${token}`;
const PATH_VALUES: Record<string, string> = { id: 'no-such-session', asset: 'no-such-file.js' };

/** The operation's path with its {params} filled in: each by its own name unless PATH_VALUES says. */
export const concreteUrl = (path: string): string =>
  path.replace(/\{(\w+)\}/g, (_, name: string) => PATH_VALUES[name] ?? name);

/**
 * A request to the operation, its {params} filled in, authenticated with `token` when given; to
 * /adapter with the adapter secret (ADAPTER_SECRET_INVALID is the scenario without it).
 */
export function call({ method, path }: OperationCall, token?: string, app = api()): Test {
  const request = app[method as 'get' | 'post' | 'delete'](concreteUrl(path));
  if (path.startsWith('/adapter/')) request.set('X-Auth-Secret', ADAPTER_SECRET);
  return token === undefined ? request : request.set('Authorization', bearer(token));
}

/** A token for routes that need one, so the request gets past authentication. */
export async function tokenFor(operation: OperationCall): Promise<string | undefined> {
  return operation.secured ? (await loggedInUser()).accessToken : undefined;
}

/** The request with the operation's documented valid body, if it takes one. */
export function withValidBody(request: Test, operation: OperationCall): Test {
  return operation.validBody === undefined ? request : request.send(operation.validBody as object);
}
