import { authOf, clientOf, type AppContext } from '../middleware/context';
import type { AuthService } from '../services/auth.service';
import type { LoginInput, RefreshInput, SignupInput } from '../validators/auth.schemas';

/** Thin HTTP handlers: read validated input, call the auth service, set status and body. */
export function createAuthController(auth: AuthService) {
  return {
    ping: (ctx: AppContext): void => {
      ctx.body = { status: 'success', message: 'APIs are up and running' };
    },

    signup: async (ctx: AppContext, input: SignupInput): Promise<void> => {
      ctx.status = 201;
      ctx.body = await auth.signup(input, clientOf(ctx));
    },

    login: async (ctx: AppContext, input: LoginInput): Promise<void> => {
      ctx.body = await auth.login(input, clientOf(ctx));
    },

    refresh: async (ctx: AppContext, input: RefreshInput): Promise<void> => {
      ctx.body = await auth.refresh(input.refresh_token, clientOf(ctx));
    },

    user: (ctx: AppContext): void => {
      ctx.body = { user: authOf(ctx).user };
    },
  };
}

export type AuthController = ReturnType<typeof createAuthController>;
