import Router from '@koa/router';
import type { AccountController } from '../controllers/account.controller';
import type { AuthController } from '../controllers/auth.controller';
import type { createAuthenticate } from '../middleware/authenticate';
import type { AppState } from '../middleware/context';
import { withBody } from '../middleware/validate';
import {
  loginSchema,
  logoutSchema,
  passwordChangeSchema,
  refreshSchema,
  signupSchema,
} from '../validators/auth.schemas';

export function createAuthRouter(
  auth: AuthController,
  account: AccountController,
  authenticate: ReturnType<typeof createAuthenticate>,
): Router<AppState> {
  return new Router<AppState>({ prefix: '/auth' })
    .get('/ping', auth.ping)
    .post('/signup', withBody(signupSchema, auth.signup))
    .post('/login', withBody(loginSchema, auth.login))
    .post('/refresh', withBody(refreshSchema, auth.refresh))
    .get('/user', authenticate, auth.user)
    .post('/logout', authenticate, withBody(logoutSchema, account.logout))
    .get('/sessions', authenticate, account.listSessions)
    .delete('/sessions/:id', authenticate, account.revokeSession)
    .post('/password', authenticate, withBody(passwordChangeSchema, account.changePassword));
}
