import type Router from '@koa/router';
import type { EmailController } from '../controllers/email.controller';
import type { createAuthenticate } from '../middleware/authenticate';
import type { AppState } from '../middleware/context';
import type { RateLimits } from '../middleware/rate-limit';
import { withBody } from '../middleware/validate';
import { emailVerifySchema, passwordForgotSchema, passwordResetSchema } from '../validators/email.schemas';
import { createRouter } from './router';

/** Password reset and email verification, under /auth beside the other account routes. */
export function createEmailRouter(
  email: EmailController,
  authenticate: ReturnType<typeof createAuthenticate>,
  limits: RateLimits,
): Router<AppState> {
  return createRouter('/auth')
    .post('/password/forgot', withBody(passwordForgotSchema, limits.passwordForgot(email.forgotPassword)))
    .post('/password/reset', withBody(passwordResetSchema, limits.passwordReset(email.resetPassword)))
    .post('/email/verify/request', authenticate, limits.emailVerifyRequest(email.requestVerification))
    .post('/email/verify', withBody(emailVerifySchema, limits.emailVerify(email.verifyEmail)));
}
