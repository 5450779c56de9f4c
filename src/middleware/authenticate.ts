import type { Next } from 'koa';
import { AppError } from '../errors/app-error';
import type { AuthService } from '../services/auth.service';
import type { AppContext } from './context';

// RFC 7235: the scheme is case-insensitive; RFC 6750: the token is one b64token.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** Requires `Authorization: Bearer <token>` and puts the caller on `ctx.state.auth`. */
export function createAuthenticate(auth: AuthService) {
  return async function authenticate(ctx: AppContext, next: Next): Promise<void> {
    const header = ctx.get('Authorization');
    if (header === '') {
      ctx.set('WWW-Authenticate', 'Bearer');
      throw new AppError('UNAUTHENTICATED');
    }
    const token = BEARER.exec(header)?.[1];
    try {
      if (token === undefined) throw new AppError('TOKEN_INVALID');
      ctx.state.auth = await auth.authenticate(token);
    } catch (error) {
      if (error instanceof AppError && error.status === 401) {
        ctx.set('WWW-Authenticate', 'Bearer error="invalid_token"');
      }
      throw error;
    }
    // Outside the try: an error further down must not turn into a 401.
    await next();
  };
}
