import { AppError } from '../errors/app-error';
import type { ErrorCode } from '../errors/catalogue';
import type { Database, Repositories } from '../repositories';
import type { LoginInput, SignupInput } from '../validators/auth.schemas';
import { recordAudit, type RequestOrigin } from './audit.service';
import type { Outbox } from './outbox.service';
import { stillMatches, type PasswordHasher } from './password.service';
import type { RevocationCache } from './revocation-cache';
import type { Revocations } from './revocations';
import type { ClientInfo, IssuedRefreshToken, SessionService } from './session.service';
import type { AccessTokenClaims, TokenService } from './token.service';
import { toUserDto, type UserDto } from './user.service';

/** A fresh access token and refresh token, as refresh answers them. */
export interface TokenPairDto {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  refresh_expires_in: number;
}

/** What signup and login answer: the user and a fresh token pair. */
export interface AuthResponseDto extends TokenPairDto {
  user: UserDto;
}

/** The caller of an authenticated request. */
export interface Authenticated {
  user: UserDto;
  token: AccessTokenClaims;
}

export interface AuthServiceDeps {
  database: Database;
  tokens: TokenService;
  passwords: PasswordHasher;
  sessions: SessionService;
  cache: RevocationCache;
  /** Told after a revocation has been committed (here: a replayed refresh token ended its session). */
  revocations: Revocations;
  /** Queues the `user.created` webhook event in the signup's transaction. */
  outbox: Outbox;
}

export function createAuthService({
  database,
  tokens,
  passwords,
  sessions,
  cache,
  revocations,
  outbox,
}: AuthServiceDeps) {
  async function tokenPair(session: IssuedRefreshToken, userId: number, tokenVersion: number): Promise<TokenPairDto> {
    const issued = await tokens.issueAccessToken({ userId, sessionId: session.sessionId, tokenVersion });
    return {
      access_token: issued.accessToken,
      token_type: 'Bearer',
      expires_in: issued.expiresInSeconds,
      refresh_token: session.refreshToken,
      refresh_expires_in: session.refreshExpiresInSeconds,
    };
  }

  return {
    /** Creates the account and its first session. The unique email index decides races: one 201, the rest 409. */
    async signup(input: SignupInput, client: ClientInfo): Promise<AuthResponseDto> {
      const passwordHash = await passwords.hash(input.password);
      const [user, session] = await database.inTransaction(async (transaction) => {
        const created = await transaction.users.create({ email: input.email, passwordHash, name: input.name });
        // Insert-and-check, never check-then-insert: the unique index decided between concurrent signups.
        if (created === null) throw new AppError('EMAIL_TAKEN');
        await outbox.enqueue(transaction, 'user.created', created);
        return [created, await sessions.startSession(created.id, client, transaction)] as const;
      });
      return { user: toUserDto(user), ...(await tokenPair(session, user.id, user.tokenVersion)) };
    },

    /**
     * One answer for "no such email" and "wrong password", with the same bcrypt cost for both. A
     * right password stored at another bcrypt cost than the configured one is re-hashed.
     *
     * The password was checked against the row read first; the session is created under the user's
     * lock only if that check still holds. A password change or a "log out everywhere" that
     * committed in between revokes every session that existed then, so a session born of
     * credentials checked before it must not outlive it: the login fails as INVALID_CREDENTIALS
     * (the client logs in again, against the current password). Failing on a token-version bump
     * too, rather than issuing tokens of the new version, keeps that rule for every revoke-all path.
     */
    async login(input: LoginInput, client: ClientInfo): Promise<AuthResponseDto> {
      const user = await database.users.findByEmail(input.email);
      const verifiedHash = user?.passwordHash ?? null;
      // No user, or a user without a password (provider sign-in only): the dummy hash is compared, so
      // every failure costs one bcrypt run and answers alike (no account enumeration by timing).
      const matches = await passwords.verify(input.password, verifiedHash);
      if (user === null || verifiedHash === null || !matches) throw new AppError('INVALID_CREDENTIALS');
      // Only after the right password: without it, a disabled account answers like any other failure.
      if (user.disabledAt !== null) throw new AppError('USER_DISABLED');
      // Only now is the plain password known to be right: upgrade a hash made at an older cost.
      const upgradedHash = passwords.needsRehash(verifiedHash) ? await passwords.hash(input.password) : null;
      const session = await database.inTransaction(async (transaction) => {
        const locked = await transaction.users.lock(user.id);
        // Disabled since the read above: the password was right, so the answer may say so.
        if (locked !== null && locked.disabledAt !== null) throw new AppError('USER_DISABLED');
        const unrevoked =
          locked !== null &&
          locked.tokenVersion === user.tokenVersion &&
          (await stillMatches(passwords, input.password, verifiedHash, locked.passwordHash));
        if (!unrevoked) throw new AppError('INVALID_CREDENTIALS');
        // Only over the hash that was verified: a concurrent login may have upgraded it already.
        if (upgradedHash !== null && locked.passwordHash === verifiedHash) {
          await transaction.users.setPasswordHash(user.id, upgradedHash);
        }
        return sessions.startSession(user.id, client, transaction);
      });
      return { user: toUserDto(user), ...(await tokenPair(session, user.id, user.tokenVersion)) };
    },

    /**
     * Records `login.locked`: the failed login that used an account's last attempt of the window.
     * The target is the user when the email has an account, else null.
     */
    async recordLoginLockout(email: string, origin: RequestOrigin): Promise<void> {
      // The same read and write whether the account exists or not: neither the answer (the 401
      // stands) nor its time tells. Never the password, which the caller does not even pass.
      await database.inTransaction(async (transaction) => {
        const user = await transaction.users.findByEmail(email);
        await recordAudit(
          transaction,
          { actorId: null, action: 'login.locked', targetUserId: user?.id ?? null },
          origin,
        );
      });
    },

    /**
     * Starts a session for a user proven by something other than a password (a one-time sign-in
     * code), answering exactly what login answers. `identify` runs first in the session's transaction
     * (it may consume its proof there); the user's lock is then taken as login takes it, and a user
     * who is gone or disabled is refused with `refusal`, which rolls the consumption back.
     */
    async startSessionFor(
      identify: (transaction: Repositories) => Promise<number>,
      client: ClientInfo,
      refusal: ErrorCode,
    ): Promise<AuthResponseDto> {
      const [user, session] = await database.inTransaction(async (transaction) => {
        const userId = await identify(transaction);
        const locked = await transaction.users.lock(userId);
        // The first plain read after the lock: its snapshot is taken now, so it sees the latest disabledAt.
        const user = locked === null ? null : await transaction.users.findById(userId);
        if (user === null || user.disabledAt !== null) throw new AppError(refusal);
        return [user, await sessions.startSession(user.id, client, transaction)] as const;
      });
      return { user: toUserDto(user), ...(await tokenPair(session, user.id, user.tokenVersion)) };
    },

    /** Rotates a refresh token into a new pair; see SessionService.rotate for races and reuse. */
    async refresh(refreshToken: string, client: ClientInfo): Promise<TokenPairDto> {
      const outcome = await sessions.rotate(refreshToken, client);
      if (outcome.kind === 'reused') {
        revocations.announce({ reason: 'refresh_reuse', userId: outcome.userId, endedSessionIds: [outcome.sessionId] });
        throw new AppError('REFRESH_TOKEN_REUSED');
      }
      return tokenPair(outcome.session, outcome.userId, outcome.tokenVersion);
    },

    /**
     * Verifies the token, then checks blocklist, session and user (cached, see RevocationCache),
     * the three lookups in parallel. Order of answers: no user, then any kind of revocation.
     */
    async authenticate(accessToken: string): Promise<Authenticated> {
      const token = await tokens.verifyAccessToken(accessToken);
      const [blocked, sessionLive, record] = await Promise.all([
        cache.isTokenBlocked(token.jti),
        // The session is looked up with the token's user: a `sid` of another user's session is no live
        // session of this one. TOKEN_REVOKED, the answer for an ended or unknown session, so that a
        // holder of a leaked key learns nothing of which session ids exist for other users.
        cache.isSessionLive(token.userId, token.sessionId),
        cache.findAuthUser(token.userId),
      ]);
      if (record === null) throw new AppError('USER_NOT_FOUND');
      const minimumVersion = Math.max(record.tokenVersion, cache.tokenVersionFloor(token.userId));
      if (blocked || !sessionLive || token.tokenVersion < minimumVersion) throw new AppError('TOKEN_REVOKED');
      return { user: record.user, token };
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
