import type Router from '@koa/router';
import type Joi from 'joi';
import type { AdapterController } from '../controllers/adapter.controller';
import type { AppContext, AppState } from '../middleware/context';
import { withBody, withParams, withQuery } from '../middleware/validate';
import {
  adapterAccountSchema,
  adapterSessionSchema,
  adapterSessionUpdateSchema,
  adapterUserSchema,
  adapterUserUpdateSchema,
  authenticatorSchema,
  counterSchema,
  credentialParamsSchema,
  emailQuerySchema,
  providerAccountParamsSchema,
  sessionTokenParamsSchema,
  userIdParamsSchema,
  verificationTokenSchema,
  verificationTokenUseSchema,
} from '../validators/adapter.schemas';
import { createRouter } from './router';

/** The name of an adapter operation: a handler of the controller. */
export type AdapterOperation = keyof AdapterController;

/** What each operation's handler takes, as its Joi schema validates it. */
export type AdapterInputs = {
  [Name in AdapterOperation]: Parameters<AdapterController[Name]>[1];
};

/** One route: its method, its path under `/adapter`, and where its input comes from, with the schema that checks it. */
export type AdapterRoute<T> = { method: 'get' | 'post' | 'patch' | 'delete'; path: string } & (
  { params: Joi.ObjectSchema<T> } | { query: Joi.ObjectSchema<T> } | { body: Joi.ObjectSchema<T> }
);

type AdapterRoutes = { [Name in AdapterOperation]: AdapterRoute<AdapterInputs[Name]> };
type AdapterHandlers = { [Name in AdapterOperation]: (ctx: AppContext, input: AdapterInputs[Name]) => Promise<void> };

/**
 * The Auth.js adapter API, wire-compatible with the original backend's route table: one row per
 * operation, in the order the router tries them. The specific paths come before `/users/:id`, which
 * would otherwise take `emails`, `sessions` … as an id. The OpenAPI paths are built from this table too.
 */
export const ADAPTER_ROUTES: AdapterRoutes = {
  getUserByEmail: { method: 'get', path: '/users/emails', query: emailQuerySchema },
  getUserByAccount: {
    method: 'get',
    path: '/users/accounts/:provider/:providerAccountId',
    params: providerAccountParamsSchema,
  },
  linkAccount: { method: 'post', path: '/users/accounts', body: adapterAccountSchema },
  unlinkAccount: {
    method: 'delete',
    path: '/users/accounts/:provider/:providerAccountId',
    params: providerAccountParamsSchema,
  },
  createSession: { method: 'post', path: '/users/sessions', body: adapterSessionSchema },
  updateSession: { method: 'patch', path: '/users/sessions', body: adapterSessionUpdateSchema },
  getSession: { method: 'get', path: '/users/sessions/:sessionToken', params: sessionTokenParamsSchema },
  deleteSession: { method: 'delete', path: '/users/sessions/:sessionToken', params: sessionTokenParamsSchema },
  createVerificationToken: { method: 'post', path: '/users/verification', body: verificationTokenSchema },
  useVerificationToken: { method: 'post', path: '/users/verification/use', body: verificationTokenUseSchema },
  listAuthenticatorsByUserId: { method: 'get', path: '/users/:id/authenticators', params: userIdParamsSchema },
  createUser: { method: 'post', path: '/users', body: adapterUserSchema },
  updateUser: { method: 'patch', path: '/users', body: adapterUserUpdateSchema },
  getUser: { method: 'get', path: '/users/:id', params: userIdParamsSchema },
  deleteUser: { method: 'delete', path: '/users/:id', params: userIdParamsSchema },
  getAccount: { method: 'get', path: '/accounts/:provider/:providerAccountId', params: providerAccountParamsSchema },
  getSessionAndUser: { method: 'get', path: '/sessions/:sessionToken', params: sessionTokenParamsSchema },
  createAuthenticator: { method: 'post', path: '/authenticators', body: authenticatorSchema },
  updateAuthenticatorCounter: { method: 'patch', path: '/authenticators', body: counterSchema },
  getAuthenticator: { method: 'get', path: '/authenticators/:credentialID', params: credentialParamsSchema },
};

/** The handler wrapped in the validation its route's input source needs. */
function validating<T>(route: AdapterRoute<T>, handler: (ctx: AppContext, input: T) => Promise<void>) {
  if ('params' in route) return withParams(route.params, handler);
  if ('query' in route) return withQuery(route.query, handler);
  return withBody(route.body, handler);
}

export function createAdapterRouter(
  adapter: AdapterController,
  checkSecret: (ctx: AppContext, next: () => Promise<void>) => Promise<void>,
): Router<AppState> {
  const handlers: AdapterHandlers = adapter;
  const router = createRouter('/adapter');
  function mount<Name extends AdapterOperation>(name: Name, handler: AdapterHandlers[Name]): void {
    const route = ADAPTER_ROUTES[name];
    // On the route itself, first: it runs for exactly the paths the route answers (a router.use()
    // guard on the prefix once matched fewer paths than the routes did: `/Adapter/…` went unchecked),
    // and nothing is read or written for a request without the secret.
    router[route.method](route.path, checkSecret, validating(route, handler));
  }
  for (const name of Object.keys(ADAPTER_ROUTES) as AdapterOperation[]) mount(name, handlers[name]);
  return router;
}
