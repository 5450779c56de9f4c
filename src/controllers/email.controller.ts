import { authOf, originOf, type AppContext } from '../middleware/context';
import type { EmailService } from '../services/email.service';
import type { EmailVerifyInput, PasswordForgotInput, PasswordResetInput } from '../validators/email.schemas';

/** One body whatever happened, so the answer never tells whether the email has an account. */
export const RESET_MAIL_ANSWER = {
  message: 'If this email belongs to an account, a password-reset link has been sent to it.',
} as const;

/** Handlers of password reset and email verification. */
export function createEmailController(email: EmailService) {
  return {
    forgotPassword: async (ctx: AppContext, input: PasswordForgotInput): Promise<void> => {
      await email.requestPasswordReset(input.email);
      ctx.status = 202;
      ctx.body = RESET_MAIL_ANSWER;
    },

    resetPassword: async (ctx: AppContext, input: PasswordResetInput): Promise<void> => {
      await email.resetPassword(input, originOf(ctx));
      ctx.body = { message: 'Password reset; every session has been logged out' };
    },

    requestVerification: async (ctx: AppContext): Promise<void> => {
      await email.requestEmailVerification(authOf(ctx));
      ctx.status = 202;
      ctx.body = { message: 'A verification link has been sent, unless the address is verified already.' };
    },

    verifyEmail: async (ctx: AppContext, input: EmailVerifyInput): Promise<void> => {
      await email.verifyEmail(input.token, originOf(ctx));
      ctx.body = { message: 'Email verified' };
    },
  };
}

export type EmailController = ReturnType<typeof createEmailController>;
