import { AppError } from '../errors/app-error';
import { inTransaction, User, type RevocationReason } from '../models';
import type { LogoutScope, PasswordChangeInput } from '../validators/auth.schemas';
import type { Authenticated } from './auth.service';
import type { PasswordHasher } from './password.service';
import type { RevocationCache } from './revocation-cache';
import { blockToken } from './revocation.service';
import type { SessionDto, SessionService } from './session.service';

export interface AccountServiceDeps {
  passwords: PasswordHasher;
  sessions: SessionService;
  cache: RevocationCache;
  /** Told after each revocation has been committed (metrics count them by reason). */
  onRevoked: (reason: RevocationReason) => void;
}

/** What an authenticated user can do to their own sessions and credentials. */
export function createAccountService({ passwords, sessions, cache, onRevoked }: AccountServiceDeps) {
  return {
    /**
     * `current`: this access token (blocklisted) and its session. `others`: every other session.
     * `all`: every session and, through one token-version bump, every access token of the user.
     */
    async logout({ token }: Authenticated, scope: LogoutScope): Promise<void> {
      if (scope === 'current') {
        await inTransaction(async (transaction) => {
          await blockToken(token, 'logout', transaction);
          await sessions.endSessions({ userId: token.userId, familyId: token.sessionId }, 'logout', transaction);
        });
        cache.markTokenBlocked(token.jti, token.expiresAt);
        cache.markSessionsEnded(token.userId, [token.sessionId]);
        onRevoked('logout');
        return;
      }
      if (scope === 'others') {
        const ended = await sessions.endSessions(
          { userId: token.userId, exceptFamilyId: token.sessionId },
          'logout_others',
        );
        cache.markSessionsEnded(token.userId, ended);
        onRevoked('logout_others');
        return;
      }
      const [ended, tokenVersion] = await inTransaction(async (transaction) => {
        await User.increment('tokenVersion', { where: { id: token.userId }, transaction });
        const user = await User.findByPk(token.userId, {
          attributes: ['tokenVersion'],
          transaction,
          rejectOnEmpty: true,
        });
        return [await sessions.endSessions({ userId: token.userId }, 'logout_all', transaction), user.tokenVersion];
      });
      cache.markTokenVersion(token.userId, tokenVersion);
      cache.markSessionsEnded(token.userId, ended);
      onRevoked('logout_all');
    },

    listSessions({ token }: Authenticated): Promise<SessionDto[]> {
      return sessions.listSessions(token.userId, token.sessionId);
    },

    /** Ends one of the caller's own live sessions; anyone else's id, or an ended one, is a 404. */
    async revokeSession({ token }: Authenticated, sessionId: string): Promise<void> {
      const ended = await sessions.endSessions({ userId: token.userId, familyId: sessionId }, 'logout');
      if (ended.length === 0) throw new AppError('SESSION_NOT_FOUND');
      cache.markSessionsEnded(token.userId, ended);
      onRevoked('logout');
    },

    /** Changes the password and, in the same transaction, ends every other session. */
    async changePassword({ token }: Authenticated, input: PasswordChangeInput): Promise<void> {
      const user = await User.findByPk(token.userId, { rejectOnEmpty: new AppError('USER_NOT_FOUND') });
      if (!(await passwords.verify(input.current_password, user.passwordHash))) {
        throw new AppError('PASSWORD_INCORRECT');
      }
      const passwordHash = await passwords.hash(input.new_password);
      const ended = await inTransaction(async (transaction) => {
        await user.update({ passwordHash }, { transaction });
        return sessions.endSessions(
          { userId: token.userId, exceptFamilyId: token.sessionId },
          'password_change',
          transaction,
        );
      });
      cache.markSessionsEnded(token.userId, ended);
      onRevoked('password_change');
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
