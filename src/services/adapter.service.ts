import { AppError } from '../errors/app-error';
import type { Database, ProviderAccountKey } from '../repositories';
import type {
  AdapterAccountInput,
  AdapterSessionInput,
  AdapterSessionUpdate,
  AdapterUserInput,
  AdapterUserUpdate,
  AuthenticatorInput,
  VerificationTokenInput,
  VerificationTokenUse,
} from '../validators/adapter.schemas';
import {
  toAccountDto,
  toAccountRecord,
  toAuthenticatorDto,
  toUserDto,
  userIdOf,
  type AdapterAccountDto,
  type AdapterSessionDto,
  type AdapterUserDto,
  type AuthenticatorDto,
  type VerificationTokenDto,
} from './adapter-wire';
import type { Revocations } from './revocations';
import type { SessionService } from './session.service';
import { isLastEnabledAdmin } from './admin.service';
import { recordAudit, type RequestOrigin } from './audit.service';
import type { Outbox } from './outbox.service';
import { tokenHash } from './token-hash';

export interface AdapterServiceDeps {
  database: Database;
  sessions: SessionService;
  revocations: Revocations;
  outbox: Outbox;
}

const sessionDto = (sessionToken: string, row: { userId: number; expires: Date }): AdapterSessionDto => ({
  sessionToken,
  userId: String(row.userId),
  expires: row.expires.toISOString(),
});

/** The user id of a body, or 404: a reference to a user that is not ours cannot be stored. */
function existingUserId(id: string): number {
  const userId = userIdOf(id);
  if (userId === null) throw new AppError('ADAPTER_USER_NOT_FOUND');
  return userId;
}

/**
 * The operations of an Auth.js adapter over our tables (see docs/reference/authjs.md): one users
 * table for both worlds; an expected miss is null, as Auth.js expects of every adapter.
 */
export function createAdapterService({ database, sessions, revocations, outbox }: AdapterServiceDeps) {
  async function findUser(id: string): Promise<AdapterUserDto | null> {
    const userId = userIdOf(id);
    const user = userId === null ? null : await database.users.findById(userId);
    return user === null ? null : toUserDto(user);
  }

  /** The live session of a token, with its user; null when unknown, expired, or the user is disabled. */
  async function liveSession(sessionToken: string) {
    const row = await database.authjsSessions.find(tokenHash(sessionToken));
    if (row === null || row.expires.getTime() <= Date.now()) return null;
    const user = await database.users.findById(row.userId);
    // A suspended user is signed out of every Auth.js app at once, like everywhere else.
    if (user === null || user.disabledAt !== null) return null;
    return { session: sessionDto(sessionToken, row), user: toUserDto(user) };
  }

  return {
    /** Creates a user without a password (no password login); an id Auth.js sent is ignored. */
    async createUser(input: AdapterUserInput): Promise<AdapterUserDto> {
      const user = await database.inTransaction(async (transaction) => {
        const created = await transaction.users.create({
          email: input.email,
          name: input.name ?? null,
          passwordHash: null,
          emailVerified: input.emailVerified ?? null,
          image: input.image ?? null,
        });
        // The same event as a signup's: a webhook receiver learns of every user, however it came.
        if (created !== null) await outbox.enqueue(transaction, 'user.created', created);
        return created;
      });
      if (user === null) throw new AppError('EMAIL_TAKEN');
      return toUserDto(user);
    },

    getUser: findUser,

    async getUserByEmail(email: string): Promise<AdapterUserDto | null> {
      const user = await database.users.findByEmail(email);
      return user === null ? null : toUserDto(user);
    },

    async updateUser(input: AdapterUserUpdate, origin: RequestOrigin): Promise<AdapterUserDto> {
      const userId = existingUserId(input.id);
      const fields = {
        ...(input.email === undefined ? {} : { email: input.email }),
        ...(input.name === undefined ? {} : { name: input.name }),
        ...(input.emailVerified === undefined ? {} : { emailVerified: input.emailVerified }),
        ...(input.image === undefined ? {} : { image: input.image }),
      };
      const outcome = await database.inTransaction(async (transaction) => {
        const current = await transaction.users.lock(userId);
        if (current === null) return 'missing';
        // A new address is unproven unless Auth.js says it verified it (links mailed to the old one no longer work).
        const moved =
          fields.email !== undefined && fields.email !== current.email && fields.emailVerified === undefined;
        const updated = await transaction.users.updateProfile(
          userId,
          moved ? { ...fields, emailVerified: null } : fields,
        );
        const changes: Record<string, { from: unknown; to: unknown }> = {};
        for (const field of ['email', 'name'] as const) {
          const value = fields[field];
          if (value !== undefined && value !== current[field]) changes[field] = { from: current[field], to: value };
        }
        if (updated === 'updated' && Object.keys(changes).length > 0) {
          // Recorded as the admin API records it: a new address is where reset links go from now on.
          await recordAudit(
            transaction,
            { actorId: null, action: 'user.updated', targetUserId: userId, changes },
            origin,
          );
          await outbox.enqueue(transaction, 'user.updated', { ...current, ...fields }, changes);
        }
        return updated;
      });
      if (outcome === 'taken') throw new AppError('EMAIL_TAKEN');
      const user = outcome === 'missing' ? null : await database.users.findById(userId);
      if (user === null) throw new AppError('ADAPTER_USER_NOT_FOUND');
      return toUserDto(user);
    },

    /**
     * Deletes the user with its accounts, sessions (ours and Auth.js's), tokens and passkeys; every
     * cache learns at once that its sessions ended. Deleting a user that is not there does nothing.
     */
    async deleteUser(id: string, origin: RequestOrigin): Promise<void> {
      const userId = userIdOf(id);
      if (userId === null) return;
      const ended = await database.inTransaction(async (transaction) => {
        // THE LOCK ORDER of an admin's delete: the enabled admins, then the user.
        const admins = await transaction.users.lockEnabledAdmins();
        const target = await transaction.users.lock(userId);
        if (target === null) return null;
        // An Auth.js app that lets users delete themselves must not lock every admin out.
        if (isLastEnabledAdmin(admins, target)) throw new AppError('LAST_ADMIN');
        const endedSessionIds = await sessions.endSessions({ userId }, 'admin', transaction);
        await transaction.verificationTokens.deleteByIdentifier(target.email);
        const changes = { email: target.email, role: target.role };
        // By the Auth.js app, not by one of our users: the system is the actor.
        await recordAudit(
          transaction,
          { actorId: null, action: 'user.deleted', targetUserId: userId, changes },
          origin,
        );
        await outbox.enqueue(transaction, 'user.deleted', target);
        await transaction.users.delete(userId);
        return endedSessionIds;
      });
      if (ended !== null) revocations.announce({ reason: 'admin', userId, endedSessionIds: ended });
    },

    async getUserByAccount(key: ProviderAccountKey): Promise<AdapterUserDto | null> {
      const account = await database.accounts.find(key);
      if (account === null) return null;
      const user = await database.users.findById(account.userId);
      return user === null ? null : toUserDto(user);
    },

    async linkAccount(input: AdapterAccountInput, origin: RequestOrigin): Promise<AdapterAccountDto> {
      const record = toAccountRecord(input, existingUserId(input.userId));
      const outcome = await database.inTransaction(async (transaction) => {
        const inserted = await transaction.accounts.insert(record);
        // A new way into the account: recorded with the link, as an OpenID sign-in's link is.
        const changes = { provider: record.provider };
        const entry = { actorId: null, action: 'account.linked', targetUserId: record.userId, changes } as const;
        if (inserted === 'inserted') await recordAudit(transaction, entry, origin);
        return inserted;
      });
      if (outcome === 'taken') throw new AppError('ADAPTER_CONFLICT');
      if (outcome === 'missing') throw new AppError('ADAPTER_USER_NOT_FOUND');
      return toAccountDto(record);
    },

    /** Removes the link; the user stays. */
    async unlinkAccount(key: ProviderAccountKey, origin: RequestOrigin): Promise<void> {
      await database.inTransaction(async (transaction) => {
        const link = await transaction.accounts.find(key);
        if (link === null) return;
        await transaction.accounts.delete(key);
        const changes = { provider: link.provider };
        const entry = { actorId: null, action: 'account.unlinked', targetUserId: link.userId, changes } as const;
        await recordAudit(transaction, entry, origin);
      });
    },

    async getAccount(key: ProviderAccountKey): Promise<AdapterAccountDto | null> {
      const account = await database.accounts.find(key);
      return account === null ? null : toAccountDto(account);
    },

    async createSession(input: AdapterSessionInput): Promise<AdapterSessionDto> {
      const row = { sessionTokenHash: tokenHash(input.sessionToken), userId: existingUserId(input.userId) };
      const outcome = await database.authjsSessions.insert({ ...row, expires: input.expires });
      if (outcome === 'taken') throw new AppError('ADAPTER_CONFLICT');
      if (outcome === 'missing') throw new AppError('ADAPTER_USER_NOT_FOUND');
      return sessionDto(input.sessionToken, { userId: row.userId, expires: input.expires });
    },

    /** The session alone (the original client's route): null as for getSessionAndUser. */
    async getSession(sessionToken: string): Promise<AdapterSessionDto | null> {
      return (await liveSession(sessionToken))?.session ?? null;
    },

    getSessionAndUser: liveSession,

    async updateSession(input: AdapterSessionUpdate): Promise<AdapterSessionDto | null> {
      const fields = {
        ...(input.userId === undefined ? {} : { userId: existingUserId(input.userId) }),
        ...(input.expires === undefined ? {} : { expires: input.expires }),
      };
      const row = await database.authjsSessions.update(tokenHash(input.sessionToken), fields);
      if (row === 'missing') throw new AppError('ADAPTER_USER_NOT_FOUND');
      return row === null ? null : sessionDto(input.sessionToken, row);
    },

    async deleteSession(sessionToken: string): Promise<void> {
      await database.authjsSessions.delete(tokenHash(sessionToken));
    },

    async createVerificationToken(input: VerificationTokenInput): Promise<VerificationTokenDto> {
      const row = { identifier: input.identifier, tokenHash: tokenHash(input.token), expires: input.expires };
      if ((await database.verificationTokens.insert(row)) !== 'inserted') throw new AppError('ADAPTER_CONFLICT');
      return { identifier: input.identifier, token: input.token, expires: input.expires.toISOString() };
    },

    /** The token, once: it is deleted as it is read. An expired one still comes back: Auth.js says so. */
    async useVerificationToken(input: VerificationTokenUse): Promise<VerificationTokenDto | null> {
      const row = await database.verificationTokens.take(input.identifier, tokenHash(input.token));
      return row === null
        ? null
        : { identifier: row.identifier, token: input.token, expires: row.expires.toISOString() };
    },

    async createAuthenticator(input: AuthenticatorInput): Promise<AuthenticatorDto> {
      const record = {
        credentialId: input.credentialID,
        userId: existingUserId(input.userId),
        providerAccountId: input.providerAccountId,
        credentialPublicKey: input.credentialPublicKey,
        counter: input.counter,
        credentialDeviceType: input.credentialDeviceType,
        credentialBackedUp: input.credentialBackedUp,
        transports: input.transports ?? null,
      };
      const outcome = await database.authenticators.insert(record);
      if (outcome === 'taken') throw new AppError('ADAPTER_CONFLICT');
      if (outcome === 'missing') throw new AppError('ADAPTER_USER_NOT_FOUND');
      return toAuthenticatorDto(record);
    },

    async getAuthenticator(credentialId: string): Promise<AuthenticatorDto | null> {
      const record = await database.authenticators.find(credentialId);
      return record === null ? null : toAuthenticatorDto(record);
    },

    async listAuthenticatorsByUserId(id: string): Promise<AuthenticatorDto[]> {
      const userId = userIdOf(id);
      return userId === null ? [] : (await database.authenticators.findByUser(userId)).map(toAuthenticatorDto);
    },

    async updateAuthenticatorCounter(credentialId: string, counter: number): Promise<AuthenticatorDto> {
      if (!(await database.authenticators.setCounter(credentialId, counter))) {
        throw new AppError('AUTHENTICATOR_NOT_FOUND');
      }
      const record = await database.authenticators.find(credentialId);
      if (record === null) throw new AppError('AUTHENTICATOR_NOT_FOUND');
      return toAuthenticatorDto(record);
    },
  };
}

export type AdapterService = ReturnType<typeof createAdapterService>;
