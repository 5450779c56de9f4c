import { AppError } from '../errors/app-error';
import type { Database, LockedUser, Repositories } from '../repositories';
import type { LogoutScope, PasswordChangeInput } from '../validators/auth.schemas';
import { recordAudit, type RequestOrigin } from './audit.service';
import type { Authenticated } from './auth.service';
import { stillMatches, type PasswordHasher } from './password.service';
import type { Revocations } from './revocations';
import type { AccessTokenClaims } from './token.service';
import type { SessionDto } from './session-list';
import type { SessionService } from './session.service';

export interface AccountServiceDeps {
  database: Database;
  passwords: PasswordHasher;
  sessions: SessionService;
  /** Told of each revocation once it has been committed (caches of every instance, metrics). */
  revocations: Revocations;
}

/** The caller's user row, locked first as every session-changing transaction must (see UsersRepository.lock). */
async function lockCaller(userId: number, transaction: Repositories): Promise<LockedUser> {
  const user = await transaction.users.lock(userId);
  // Deleted between authentication and now.
  if (user === null) throw new AppError('USER_NOT_FOUND');
  return user;
}

/** Puts the access token on the blocklist until verification stops accepting it; the caller holds the user's lock. */
async function blockToken(token: AccessTokenClaims, transaction: Repositories): Promise<void> {
  const { jti, userId, acceptedUntil } = token;
  // Insert-and-check, never check-then-insert: of concurrent logouts with one token, one inserts.
  const inserted = await transaction.blockedTokens.insert({
    jti,
    userId,
    // Not exp: with a clock tolerance the token still verifies after it, and purge deletes the row at expiresAt.
    expiresAt: acceptedUntil,
    blockedAt: new Date(),
    reason: 'logout',
  });
  if (!inserted) throw new AppError('TOKEN_REVOKED');
}

/** What an authenticated user can do to their own sessions and credentials. */
export function createAccountService({ database, passwords, sessions, revocations }: AccountServiceDeps) {
  return {
    /**
     * `current`: this access token (blocklisted) and its session. `others`: every other session.
     * `all`: every session and, through one token-version bump, every access token of the user.
     * The caches learn of each revocation only once it is committed.
     */
    async logout({ token }: Authenticated, scope: LogoutScope, origin: RequestOrigin): Promise<void> {
      if (scope === 'current') {
        await database.inTransaction(async (transaction) => {
          await lockCaller(token.userId, transaction);
          await blockToken(token, transaction);
          await sessions.endSessions({ userId: token.userId, familyId: token.sessionId }, 'logout', transaction);
        });
        revocations.announce({
          reason: 'logout',
          userId: token.userId,
          blockedTokens: [{ jti: token.jti, expiresAt: token.acceptedUntil }],
          endedSessionIds: [token.sessionId],
        });
        return;
      }
      if (scope === 'others') {
        const ended = await database.inTransaction(async (transaction) => {
          await lockCaller(token.userId, transaction);
          return sessions.endSessions(
            { userId: token.userId, exceptFamilyId: token.sessionId },
            'logout_others',
            transaction,
          );
        });
        revocations.announce({ reason: 'logout_others', userId: token.userId, endedSessionIds: ended });
        return;
      }
      const revocation = await database.inTransaction(async (transaction) => {
        const user = await lockCaller(token.userId, transaction);
        const ended = await sessions.endAllAccess(user, 'logout_all', transaction);
        const entry = {
          actorId: user.id,
          action: 'logout.all',
          targetUserId: user.id,
          changes: { sessions: ended.endedSessionIds.length },
        } as const;
        await recordAudit(transaction, entry, origin);
        return ended;
      });
      revocations.announce(revocation);
    },

    listSessions({ token }: Authenticated): Promise<SessionDto[]> {
      return sessions.listSessions(token.userId, token.sessionId);
    },

    /** Ends one of the caller's own live sessions; anyone else's id, or an ended one, is a 404. */
    async revokeSession({ token }: Authenticated, sessionId: string): Promise<void> {
      const ended = await database.inTransaction(async (transaction) => {
        await lockCaller(token.userId, transaction);
        return sessions.endSessions({ userId: token.userId, familyId: sessionId }, 'logout', transaction);
      });
      if (ended.length === 0) throw new AppError('SESSION_NOT_FOUND');
      revocations.announce({ reason: 'logout', userId: token.userId, endedSessionIds: ended });
    },

    /**
     * Changes the password and, in the same transaction, ends every other session. Of concurrent
     * changes that verified the same current password, one wins; the others find it changed.
     */
    async changePassword({ token }: Authenticated, input: PasswordChangeInput, origin: RequestOrigin): Promise<void> {
      const user = await database.users.findById(token.userId);
      if (user === null) throw new AppError('USER_NOT_FOUND');
      const verifiedHash = user.passwordHash;
      // A user without a password (provider sign-in only) has no current password to give.
      if (!(await passwords.verify(input.current_password, verifiedHash)) || verifiedHash === null) {
        throw new AppError('PASSWORD_INCORRECT');
      }
      const passwordHash = await passwords.hash(input.new_password);
      const revocation = await database.inTransaction(async (transaction) => {
        const locked = await lockCaller(token.userId, transaction);
        // Races: a change that committed since the check above made current_password wrong.
        if (!(await stillMatches(passwords, input.current_password, verifiedHash, locked.passwordHash))) {
          throw new AppError('PASSWORD_INCORRECT');
        }
        await transaction.users.setPasswordHash(locked.id, passwordHash);
        // A reset link asked for before the change would undo it: the owner chose a password since.
        await transaction.emailTokens.useAllOf(locked.id, 'reset', new Date());
        await recordAudit(
          transaction,
          { actorId: locked.id, action: 'password.changed', targetUserId: locked.id },
          origin,
        );
        return sessions.endAllAccess(locked, 'password_change', transaction, token.sessionId);
      });
      revocations.announce(revocation);
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
