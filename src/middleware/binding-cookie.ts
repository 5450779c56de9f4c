import { parseCookie, stringifySetCookie } from 'cookie';
import type { CookieConfig } from '../config';
import { BINDING_TTL_SECONDS } from '../services/oidc.service';
import type { AppContext } from './context';

/**
 * The cookie that binds a started OpenID sign-in to this browser. HttpOnly: no script needs it.
 * SameSite=Lax: the provider's top-level redirect back to the callback carries it, a cross-site
 * subrequest does not. Host-only, and `__Host-` when Secure, so that no sibling subdomain can plant
 * its own binding in a victim's browser (login CSRF).
 */
export function createBindingCookie(config: Pick<CookieConfig, 'secure'>) {
  const name = config.secure ? '__Host-oidc_binding' : 'oidc_binding';

  function write(ctx: AppContext, value: string, maxAge: number): void {
    ctx.append(
      'Set-Cookie',
      stringifySetCookie({ name, value, maxAge, path: '/', httpOnly: true, secure: config.secure, sameSite: 'lax' }),
    );
  }

  return {
    name,
    set(ctx: AppContext, value: string): void {
      write(ctx, value, BINDING_TTL_SECONDS);
    },
    /** Expires the cookie: the binding is used up either way. */
    clear(ctx: AppContext): void {
      write(ctx, '', 0);
    },
    read(ctx: AppContext): string | null {
      const header = ctx.get('Cookie');
      const value = header === '' ? undefined : parseCookie(header)[name];
      // A well-formed value only: anything else cannot name a binding.
      return value !== undefined && /^[\w-]{43}$/.test(value) ? value : null;
    },
  };
}

export type BindingCookie = ReturnType<typeof createBindingCookie>;
