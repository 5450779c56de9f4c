import type Router from '@koa/router';
import type { OidcController } from '../controllers/oidc.controller';
import type { createAuthenticate } from '../middleware/authenticate';
import type { AppState } from '../middleware/context';
import type { RateLimits } from '../middleware/rate-limit';
import { withBody, withParams, withParamsAndQuery } from '../middleware/validate';
import {
  accountParamsSchema,
  oidcExchangeSchema,
  oidcLoginQuerySchema,
  oidcProviderParamsSchema,
} from '../validators/oidc.schemas';
import { createRouter } from './router';

/** OpenID sign-in, and the caller's linked providers. */
export function createOidcRouter(
  oidc: OidcController,
  authenticate: ReturnType<typeof createAuthenticate>,
  limits: RateLimits,
): Router<AppState> {
  return createRouter('/auth')
    .get(
      '/oidc/:provider/login',
      withParamsAndQuery(oidcProviderParamsSchema, oidcLoginQuerySchema, limits.oidcLogin(oidc.login)),
    )
    .get('/oidc/:provider/callback', withParams(oidcProviderParamsSchema, oidc.callback))
    .post('/oidc/exchange', withBody(oidcExchangeSchema, limits.oidcExchange(oidc.exchange)))
    .get('/accounts', authenticate, oidc.listAccounts)
    .delete('/accounts/:provider', authenticate, withParams(accountParamsSchema, oidc.unlinkAccount));
}
