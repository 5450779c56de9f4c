import { authOf, originOf, type AppContext } from '../middleware/context';
import type { CookieTransport } from '../middleware/cookie-transport';
import type { AccountService } from '../services/account.service';
import type { LogoutInput, PasswordChangeInput, SessionParams } from '../validators/auth.schemas';

/** Handlers for what a signed-in user does to their own sessions and password. */
export function createAccountController(account: AccountService, cookies: CookieTransport) {
  return {
    logout: async (ctx: AppContext, input: LogoutInput): Promise<void> => {
      await account.logout(authOf(ctx), input.scope, originOf(ctx));
      // `others` keeps this session alive, so this browser keeps its cookies.
      if (input.scope !== 'others') cookies.clear(ctx);
      ctx.body = { message: 'Logged out' };
    },

    listSessions: async (ctx: AppContext): Promise<void> => {
      ctx.body = { sessions: await account.listSessions(authOf(ctx)) };
    },

    revokeSession: async (ctx: AppContext, params: SessionParams): Promise<void> => {
      const auth = authOf(ctx);
      await account.revokeSession(auth, params.id);
      if (params.id === auth.token.sessionId) cookies.clear(ctx);
      ctx.body = { message: 'Session revoked' };
    },

    changePassword: async (ctx: AppContext, input: PasswordChangeInput): Promise<void> => {
      await account.changePassword(authOf(ctx), input, originOf(ctx));
      ctx.body = { message: 'Password changed; other sessions have been logged out' };
    },
  };
}

export type AccountController = ReturnType<typeof createAccountController>;
