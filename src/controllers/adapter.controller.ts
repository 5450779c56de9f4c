import { originOf, type AppContext } from '../middleware/context';
import type { AdapterService } from '../services/adapter.service';
import type { RequestOrigin } from '../services/audit.service';
import type {
  AdapterAccountInput,
  AdapterSessionInput,
  AdapterSessionUpdate,
  AdapterUserInput,
  AdapterUserUpdate,
  AuthenticatorInput,
  CounterInput,
  CredentialParams,
  EmailQuery,
  ProviderAccountParams,
  SessionTokenParams,
  UserIdParams,
  VerificationTokenInput,
  VerificationTokenUse,
} from '../validators/adapter.schemas';

/**
 * A handler that answers 200 with the operation's JSON value; a miss is the JSON `null` (Koa would
 * turn a null body into 204).
 */
function answering<T>(operation: (input: T, origin: RequestOrigin) => Promise<unknown>) {
  return async (ctx: AppContext, input: T): Promise<void> => {
    const value = await operation(input, originOf(ctx));
    ctx.status = 200;
    ctx.body = JSON.stringify(value);
    ctx.type = 'application/json';
  };
}

/** A handler that answers 204 once the operation is done. */
function emptying<T>(operation: (input: T, origin: RequestOrigin) => Promise<void>) {
  return async (ctx: AppContext, input: T): Promise<void> => {
    await operation(input, originOf(ctx));
    ctx.status = 204;
  };
}

/** Handlers of the Auth.js adapter API: each one adapter operation. */
export function createAdapterController(adapter: AdapterService) {
  return {
    createUser: answering((input: AdapterUserInput) => adapter.createUser(input)),
    getUser: answering((params: UserIdParams) => adapter.getUser(params.id)),
    getUserByEmail: answering((query: EmailQuery) => adapter.getUserByEmail(query.email)),
    updateUser: answering((input: AdapterUserUpdate, origin) => adapter.updateUser(input, origin)),
    deleteUser: async (ctx: AppContext, params: UserIdParams): Promise<void> => {
      await adapter.deleteUser(params.id, originOf(ctx));
      ctx.status = 204;
    },
    getUserByAccount: answering((params: ProviderAccountParams) => adapter.getUserByAccount(params)),
    linkAccount: answering((input: AdapterAccountInput, origin) => adapter.linkAccount(input, origin)),
    unlinkAccount: emptying((params: ProviderAccountParams, origin) => adapter.unlinkAccount(params, origin)),
    getAccount: answering((params: ProviderAccountParams) => adapter.getAccount(params)),
    createSession: answering((input: AdapterSessionInput) => adapter.createSession(input)),
    getSession: answering((params: SessionTokenParams) => adapter.getSession(params.sessionToken)),
    getSessionAndUser: answering((params: SessionTokenParams) => adapter.getSessionAndUser(params.sessionToken)),
    updateSession: answering((input: AdapterSessionUpdate) => adapter.updateSession(input)),
    deleteSession: emptying((params: SessionTokenParams) => adapter.deleteSession(params.sessionToken)),
    createVerificationToken: answering((input: VerificationTokenInput) => adapter.createVerificationToken(input)),
    useVerificationToken: answering((input: VerificationTokenUse) => adapter.useVerificationToken(input)),
    createAuthenticator: answering((input: AuthenticatorInput) => adapter.createAuthenticator(input)),
    getAuthenticator: answering((params: CredentialParams) => adapter.getAuthenticator(params.credentialID)),
    listAuthenticatorsByUserId: answering((params: UserIdParams) => adapter.listAuthenticatorsByUserId(params.id)),
    updateAuthenticatorCounter: answering((input: CounterInput) =>
      adapter.updateAuthenticatorCounter(input.credentialID, input.counter),
    ),
  };
}

export type AdapterController = ReturnType<typeof createAdapterController>;
