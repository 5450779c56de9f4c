import type { Response } from 'supertest';
import { api, createUser, decode } from './factories';

/** Cookie mode on, with the default Secure, host-only cookies. */
export const COOKIE_MODE = { COOKIE_MODE: 'true' };

/** The cookie names under COOKIE_MODE with the defaults (Secure, no COOKIE_DOMAIN). */
export const NAMES = { access: '__Host-access_token', refresh: '__Secure-refresh_token', csrf: '__Host-csrf_token' };

/** The three Set-Cookie headers that expire the cookies, exactly as they were set. */
export const CLEARED = [
  `${NAMES.access}=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax`,
  `${NAMES.refresh}=; Max-Age=0; Path=/auth/refresh; HttpOnly; Secure; SameSite=Lax`,
  `${NAMES.csrf}=; Max-Age=0; Path=/; Secure; SameSite=Lax`,
];

/** The raw Set-Cookie headers of a response, by cookie name. */
export function setCookiesOf(response: Response): Map<string, string> {
  const raw: unknown = response.headers['set-cookie'];
  const headers = Array.isArray(raw) ? raw.map(String) : [];
  return new Map(headers.map((header) => [header.slice(0, header.indexOf('=')), header]));
}

/** The value part of one Set-Cookie header. */
export function valueOf(header: string | undefined): string {
  const pair = (header ?? '').split(';')[0] ?? '';
  return pair.slice(pair.indexOf('=') + 1);
}

/** A `Cookie` request header, as a browser would send these name/value pairs. */
export function cookieHeader(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([name, value]) => `${name}=${value}`)
    .join('; ');
}

/** A user logged in with cookie transport: the three cookie values and the session id. */
export async function cookieLogin(overrides: Record<string, string> = {}) {
  const { user, password } = await createUser();
  const response = await api({ ...COOKIE_MODE, ...overrides })
    .post('/auth/login')
    .set('X-Auth-Transport', 'cookie')
    .send({ email: user.email, password })
    .expect(200);
  const cookies = setCookiesOf(response);
  const access = valueOf(cookies.get(NAMES.access));
  return {
    user,
    access,
    refresh: valueOf(cookies.get(NAMES.refresh)),
    csrf: valueOf(cookies.get(NAMES.csrf)),
    sessionId: String(decode(access).sid),
  };
}
