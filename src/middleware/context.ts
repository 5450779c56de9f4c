import type { ParameterizedContext } from 'koa';
import { AppError } from '../errors/app-error';
import type { Authenticated } from '../services/auth.service';
import type { ClientInfo } from '../services/session.service';

export interface AppState {
  requestId: string;
  auth?: Authenticated;
  /** The introspection client of POST /auth/introspect and /auth/revoke (see client-auth.ts). */
  clientId?: string;
}

export type AppContext = ParameterizedContext<AppState>;

/** The authenticated caller; only routes behind `authenticate` may call this. */
export function authOf(ctx: AppContext): Authenticated {
  if (ctx.state.auth === undefined) throw new AppError('UNAUTHENTICATED');
  return ctx.state.auth;
}

/** Where the request came from, as stored on a session (the column widths bound both). */
export function clientOf(ctx: AppContext): ClientInfo {
  const userAgent = ctx.get('User-Agent');
  return {
    ip: ctx.ip === '' ? null : ctx.ip.slice(0, 45),
    userAgent: userAgent === '' ? null : userAgent.slice(0, 255),
  };
}
