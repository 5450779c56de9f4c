import type {
  Adapter,
  AdapterAccount,
  AdapterAuthenticator,
  AdapterSession,
  AdapterUser,
  VerificationToken,
} from '@auth/core/adapters';

export interface AuthServerAdapterOptions {
  /** The auth server's origin, e.g. `https://auth.example.com`. */
  url: string;
  /** The server's AUTHJS_ADAPTER_SECRET, sent as X-Auth-Secret on every call. */
  secret: string;
  /** Another fetch (a proxy, a test double); the global fetch by default. */
  fetch?: typeof fetch;
}

/** Every Adapter operation, each present (Auth.js declares them optional). */
export type AuthServerAdapter = { [Operation in keyof Adapter]-?: NonNullable<Adapter[Operation]> };

/** An error answer of the server: its message starts with our error code, e.g. `EMAIL_TAKEN: …`. */
export class AuthServerError extends Error {
  override name = 'AuthServerError';
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null;

/** A JSON date string back to a Date; null and absent stay as they are. */
function date(value: unknown): Date | null {
  return typeof value === 'string' ? new Date(value) : null;
}

function toUser(value: Json): AdapterUser {
  return { ...value, emailVerified: date(value.emailVerified) } as AdapterUser;
}

function toSession(value: Json): AdapterSession {
  return { ...value, expires: date(value.expires) } as AdapterSession;
}

function toVerificationToken(value: Json): VerificationToken {
  return { ...value, expires: date(value.expires) } as VerificationToken;
}

/**
 * An Auth.js adapter whose database is the auth server: every Adapter method, one HTTP call each
 * (getSessionAndUser included), with the global fetch. A miss is null; an error answer throws an
 * AuthServerError carrying the server's error code.
 */
export function authServerAdapter(options: AuthServerAdapterOptions): AuthServerAdapter {
  const origin = options.url.replace(/\/+$/, '');
  const send = options.fetch ?? fetch;

  async function call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await send(`${origin}/adapter${path}`, {
      method,
      headers: {
        'X-Auth-Secret': options.secret,
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const parsed: unknown = text === '' ? null : JSON.parse(text);
    if (!response.ok) {
      const error = isRecord(parsed) && isRecord(parsed.error) ? parsed.error : {};
      const code = typeof error.code === 'string' ? error.code : `HTTP_${response.status}`;
      const message = typeof error.message === 'string' ? error.message : response.statusText;
      throw new AuthServerError(code, response.status, message);
    }
    return parsed;
  }

  /** The answer as a record, or null for a miss. */
  async function record(method: string, path: string, body?: unknown): Promise<Json | null> {
    const answer = await call(method, path, body);
    return isRecord(answer) ? answer : null;
  }

  /** The answer of an operation that never misses. */
  async function required(method: string, path: string, body?: unknown): Promise<Json> {
    const answer = await record(method, path, body);
    if (answer === null) throw new AuthServerError('EMPTY_ANSWER', 200, `${method} ${path} answered null`);
    return answer;
  }

  /**
   * One path segment. The URL parser fetch uses resolves a `.` or `..` segment (RFC 3986 §5.2.4), so
   * `/users/accounts/../5` would reach `DELETE /users/5`: refused. Any other value is percent-encoded.
   */
  function segment(value: string): string {
    if (value === '.' || value === '..') {
      throw new AuthServerError('PATH_SEGMENT_INVALID', 400, `"${value}" cannot be sent as a path segment`);
    }
    return encodeURIComponent(value);
  }
  const accountPath = (provider: string, providerAccountId: string) =>
    `${segment(provider)}/${segment(providerAccountId)}`;

  return {
    async createUser(user) {
      return toUser(await required('POST', '/users', user));
    },
    async getUser(id) {
      const user = await record('GET', `/users/${segment(id)}`);
      return user === null ? null : toUser(user);
    },
    async getUserByEmail(email) {
      const user = await record('GET', `/users/emails?email=${segment(email)}`);
      return user === null ? null : toUser(user);
    },
    async getUserByAccount({ provider, providerAccountId }) {
      const user = await record('GET', `/users/accounts/${accountPath(provider, providerAccountId)}`);
      return user === null ? null : toUser(user);
    },
    async updateUser(user) {
      return toUser(await required('PATCH', '/users', user));
    },
    async deleteUser(id) {
      await call('DELETE', `/users/${segment(id)}`);
    },
    async linkAccount(account) {
      return (await required('POST', '/users/accounts', account)) as AdapterAccount;
    },
    async unlinkAccount({ provider, providerAccountId }) {
      await call('DELETE', `/users/accounts/${accountPath(provider, providerAccountId)}`);
    },
    async getAccount(providerAccountId, provider) {
      return (await record('GET', `/accounts/${accountPath(provider, providerAccountId)}`)) as AdapterAccount | null;
    },
    async createSession(session) {
      return toSession(await required('POST', '/users/sessions', session));
    },
    async getSessionAndUser(sessionToken) {
      const both = await record('GET', `/sessions/${segment(sessionToken)}`);
      if (both === null || !isRecord(both.session) || !isRecord(both.user)) return null;
      return { session: toSession(both.session), user: toUser(both.user) };
    },
    async updateSession(session) {
      const updated = await record('PATCH', '/users/sessions', session);
      return updated === null ? null : toSession(updated);
    },
    async deleteSession(sessionToken) {
      await call('DELETE', `/users/sessions/${segment(sessionToken)}`);
    },
    async createVerificationToken(token) {
      return toVerificationToken(await required('POST', '/users/verification', token));
    },
    async useVerificationToken(params) {
      const token = await record('POST', '/users/verification/use', params);
      return token === null ? null : toVerificationToken(token);
    },
    async createAuthenticator(authenticator) {
      return (await required('POST', '/authenticators', authenticator)) as unknown as AdapterAuthenticator;
    },
    async getAuthenticator(credentialID) {
      return (await record(
        'GET',
        `/authenticators/${segment(credentialID)}`,
      )) as unknown as AdapterAuthenticator | null;
    },
    async listAuthenticatorsByUserId(userId) {
      const list = await call('GET', `/users/${segment(userId)}/authenticators`);
      return Array.isArray(list) ? (list as AdapterAuthenticator[]) : [];
    },
    async updateAuthenticatorCounter(credentialID, counter) {
      return (await required('PATCH', '/authenticators', { credentialID, counter })) as unknown as AdapterAuthenticator;
    },
  };
}
