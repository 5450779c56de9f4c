import axios from 'axios';

/**
 * A test copy of the original backend's client (the RestAdapter the issue quotes), written from its
 * description: axios with base URL `${backendUrl}/auth`, `x-auth-secret`, `response.data` with a
 * falsy body read as "not found". Only what it does is here; it is what the wire compatibility of
 * /adapter is tested against.
 */
export interface RestAdapterRoutes {
  createUser: string;
  updateUser: string;
  deleteUser: string;
  getUser: string;
  getUserByEmail: string;
  getUserByAccount: string;
  linkAccount: string;
  unlinkAccount: string;
  createSession: string;
  updateSession: string;
  deleteSession: string;
  getSessionAndUser: string;
  createVerificationToken: string;
  useVerificationToken: string;
}

export const DEFAULT_ROUTES: RestAdapterRoutes = {
  createUser: '/users',
  updateUser: '/users',
  deleteUser: '/users',
  getUser: '/users',
  getUserByEmail: '/users/emails',
  getUserByAccount: '/users/accounts',
  linkAccount: '/users/accounts',
  unlinkAccount: '/users/accounts',
  createSession: '/users/sessions',
  updateSession: '/users/sessions',
  deleteSession: '/users/sessions',
  getSessionAndUser: '/users/sessions',
  createVerificationToken: '/users/verification',
  useVerificationToken: '/users/verification/use',
};

type Json = Record<string, unknown>;
type Key = { provider: string; providerAccountId: string };

export function RestAdapter(options: { backendUrl: string; secret: string; routes?: Partial<RestAdapterRoutes> }) {
  const routes = { ...DEFAULT_ROUTES, ...options.routes };
  const client = axios.create({ baseURL: `${options.backendUrl}/auth`, headers: { 'x-auth-secret': options.secret } });
  const data = (response: { data: unknown }): Json | null => (response.data ? (response.data as Json) : null);

  return {
    createUser: async (user: Json) => data(await client.post(routes.createUser, user)),
    getUser: async (id: string) => data(await client.get(`${routes.getUser}/${id}`)),
    getUserByEmail: async (email: string) => data(await client.get(routes.getUserByEmail, { params: { email } })),
    getUserByAccount: async ({ provider, providerAccountId }: Key) =>
      data(await client.get(`${routes.getUserByAccount}/${provider}/${providerAccountId}`)),
    updateUser: async (user: Json) => data(await client.patch(routes.updateUser, user)),
    deleteUser: async (id: string) => {
      await client.delete(`${routes.deleteUser}/${id}`);
    },
    linkAccount: async (account: Json) =>
      data(await client.post(routes.linkAccount, { ...account, expires_at: parseInt(String(account.expires_at)) })),
    unlinkAccount: async ({ provider, providerAccountId }: Key) => {
      await client.delete(`${routes.unlinkAccount}/${provider}/${providerAccountId}`);
    },
    createSession: async (session: Json) => data(await client.post(routes.createSession, session)),
    getSessionAndUser: async (sessionToken: string) => {
      const session = data(await client.get(`${routes.getSessionAndUser}/${sessionToken}`));
      if (session === null) return null;
      const user = data(await client.get(`${routes.getUser}/${String(session.userId)}`));
      return user === null ? null : { session, user };
    },
    updateSession: async (session: Json) => data(await client.patch(routes.updateSession, session)),
    deleteSession: async (sessionToken: string) => {
      await client.delete(`${routes.deleteSession}/${sessionToken}`);
    },
    createVerificationToken: async (token: Json) => data(await client.post(routes.createVerificationToken, token)),
    useVerificationToken: async (params: Json) => data(await client.post(routes.useVerificationToken, params)),
  };
}
