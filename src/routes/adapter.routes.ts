import Router from '@koa/router';
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

/**
 * The Auth.js adapter API, wire-compatible with the original backend's route table. The specific
 * paths come before `/users/:id`, which would otherwise take `emails`, `sessions` … as an id.
 */
export function createAdapterRouter(
  adapter: AdapterController,
  checkSecret: (ctx: AppContext, next: () => Promise<void>) => Promise<void>,
): Router<AppState> {
  return (
    new Router<AppState>({ prefix: '/adapter' })
      // Before any route: nothing is read or written for a request without the secret.
      .use(checkSecret)
      .get('/users/emails', withQuery(emailQuerySchema, adapter.getUserByEmail))
      .get(
        '/users/accounts/:provider/:providerAccountId',
        withParams(providerAccountParamsSchema, adapter.getUserByAccount),
      )
      .post('/users/accounts', withBody(adapterAccountSchema, adapter.linkAccount))
      .delete(
        '/users/accounts/:provider/:providerAccountId',
        withParams(providerAccountParamsSchema, adapter.unlinkAccount),
      )
      .post('/users/sessions', withBody(adapterSessionSchema, adapter.createSession))
      .patch('/users/sessions', withBody(adapterSessionUpdateSchema, adapter.updateSession))
      .get('/users/sessions/:sessionToken', withParams(sessionTokenParamsSchema, adapter.getSession))
      .delete('/users/sessions/:sessionToken', withParams(sessionTokenParamsSchema, adapter.deleteSession))
      .post('/users/verification', withBody(verificationTokenSchema, adapter.createVerificationToken))
      .post('/users/verification/use', withBody(verificationTokenUseSchema, adapter.useVerificationToken))
      .get('/users/:id/authenticators', withParams(userIdParamsSchema, adapter.listAuthenticatorsByUserId))
      .post('/users', withBody(adapterUserSchema, adapter.createUser))
      .patch('/users', withBody(adapterUserUpdateSchema, adapter.updateUser))
      .get('/users/:id', withParams(userIdParamsSchema, adapter.getUser))
      .delete('/users/:id', withParams(userIdParamsSchema, adapter.deleteUser))
      .get('/accounts/:provider/:providerAccountId', withParams(providerAccountParamsSchema, adapter.getAccount))
      .get('/sessions/:sessionToken', withParams(sessionTokenParamsSchema, adapter.getSessionAndUser))
      .post('/authenticators', withBody(authenticatorSchema, adapter.createAuthenticator))
      .patch('/authenticators', withBody(counterSchema, adapter.updateAuthenticatorCounter))
      .get('/authenticators/:credentialID', withParams(credentialParamsSchema, adapter.getAuthenticator))
  );
}
