import Router from '@koa/router';
import type { AuthController } from '../controllers/auth.controller';
import type { createAuthenticate } from '../middleware/authenticate';
import type { AppState } from '../middleware/context';
import { withBody } from '../middleware/validate';
import { loginSchema, signupSchema } from '../validators/auth.schemas';

export function createAuthRouter(
  controller: AuthController,
  authenticate: ReturnType<typeof createAuthenticate>,
): Router<AppState> {
  return new Router<AppState>({ prefix: '/auth' })
    .get('/ping', controller.ping)
    .post('/signup', withBody(signupSchema, controller.signup))
    .post('/login', withBody(loginSchema, controller.login))
    .post('/logout', authenticate, controller.logout)
    .get('/user', authenticate, controller.user);
}
