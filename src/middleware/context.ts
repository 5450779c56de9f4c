import type { ParameterizedContext } from 'koa';
import { AppError } from '../errors/app-error';
import type { Authenticated } from '../services/auth.service';

export interface AppState {
  requestId: string;
  auth?: Authenticated;
}

export type AppContext = ParameterizedContext<AppState>;

/** The authenticated caller; only routes behind `authenticate` may call this. */
export function authOf(ctx: AppContext): Authenticated {
  if (ctx.state.auth === undefined) throw new AppError('UNAUTHENTICATED');
  return ctx.state.auth;
}
