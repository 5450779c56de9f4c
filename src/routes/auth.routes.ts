import type Router from '@koa/router';
import type { AccountController } from '../controllers/account.controller';
import type { AuthController } from '../controllers/auth.controller';
import type { createAuthenticate } from '../middleware/authenticate';
import type { AppState } from '../middleware/context';
import type { RateLimits } from '../middleware/rate-limit';
import { withBody, withParams } from '../middleware/validate';
import {
  loginSchema,
  logoutSchema,
  passwordChangeSchema,
  refreshSchema,
  sessionParamsSchema,
  signupSchema,
} from '../validators/auth.schemas';
import { createRouter } from './router';

export function createAuthRouter(
  auth: AuthController,
  account: AccountController,
  authenticate: ReturnType<typeof createAuthenticate>,
  limits: RateLimits,
): Router<AppState> {
  return createRouter('/auth')
    .get('/ping', auth.ping)
    .post('/signup', withBody(signupSchema, limits.signup(auth.signup)))
    .post('/login', withBody(loginSchema, limits.login(auth.login)))
    .post('/refresh', withBody(refreshSchema, limits.refresh(auth.refresh)))
    .get('/user', authenticate, auth.user)
    .post('/logout', authenticate, withBody(logoutSchema, account.logout))
    .get('/sessions', authenticate, account.listSessions)
    .delete('/sessions/:id', authenticate, withParams(sessionParamsSchema, account.revokeSession))
    .post('/password', authenticate, withBody(passwordChangeSchema, limits.password(account.changePassword)));
}
