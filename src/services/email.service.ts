import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { AppError } from '../errors/app-error';
import type { Database } from '../repositories';
import type { PasswordResetInput } from '../validators/email.schemas';
import { recordAudit, recordPasswordReset, type RequestOrigin } from './audit.service';
import type { Authenticated } from './auth.service';
import type { Mailer } from './mailer';
import type { PasswordHasher } from './password.service';
import type { RevocationCache } from './revocation-cache';
import type { Revocations } from './revocations';
import type { SessionService } from './session.service';
import { addressHash, tokenHash } from './token-hash';

export interface EmailServiceDeps {
  database: Database;
  passwords: PasswordHasher;
  sessions: SessionService;
  revocations: Revocations;
  /** Forgets a user's cached profile once their email is verified. */
  cache: Pick<RevocationCache, 'forgetUser'>;
  mailer: Mailer;
  settings: Config['mail'];
  /** Where a reset link that could not be stored is reported (the answer was sent already). */
  logger: Logger;
}

/** A fresh token (256 random bits, base64url) and the hash that is stored. */
function newToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: tokenHash(token) };
}

/** The link of a template with its `{token}` filled in. */
const linkOf = (template: string, token: string): string => template.replace('{token}', encodeURIComponent(token));

/**
 * Password reset and email verification for our own users, through single-use tokens that are
 * mailed as links and stored hashed in `email_tokens`.
 */
export function createEmailService(deps: EmailServiceDeps) {
  const { database, passwords, sessions, revocations, cache, mailer, settings, logger } = deps;

  function requireMail(): void {
    if (!mailer.available) throw new AppError('MAIL_UNAVAILABLE');
  }

  /** When a token issued now stops working. */
  const expiresAt = (ttlSeconds: number): Date => new Date(Date.now() + ttlSeconds * 1000);

  /** Stores a reset token and mails its link. */
  async function issueResetLink(userId: number, email: string, token: string, hash: string): Promise<void> {
    const outcome = await database.emailTokens.insert({
      tokenHash: hash,
      purpose: 'reset',
      userId,
      emailHash: addressHash(email),
      expiresAt: expiresAt(settings.passwordResetTtlSeconds),
    });
    // The user was deleted since the request found them: nobody to mail.
    if (outcome !== 'inserted') return;
    const minutes = Math.round(settings.passwordResetTtlSeconds / 60);
    await mailer.send({
      to: email,
      subject: 'Reset your password',
      text:
        `Someone asked to reset the password of ${email}. To choose a new one, open this link ` +
        `within ${minutes} minutes:\n\n${linkOf(settings.passwordResetUrl, token)}\n\n` +
        'If it was not you, ignore this mail: your password stays as it is.\n',
    });
  }

  return {
    /**
     * Mails a reset link when `email` is a user's who may sign in. The caller answers the same
     * (202) either way, after the same work (one lookup, a token and its hash); storing and mailing
     * the link happen after the answer, so neither the answer nor its timing says whether the
     * account exists.
     */
    async requestPasswordReset(email: string): Promise<void> {
      requireMail();
      const user = await database.users.findByEmail(email);
      const { token, hash } = newToken();
      if (user === null || user.disabledAt !== null) return;
      // After the answer is written (setImmediate runs once the response's promise chain is done),
      // so a known account costs the request no more time than an unknown one: an INSERT's commit,
      // even building its SQL, would show in the timing.
      setImmediate(() => {
        issueResetLink(user.id, user.email, token, hash).catch((error: unknown) => {
          logger.error({ err: error }, 'password-reset link not issued');
        });
      });
    },

    /**
     * Sets a new password with a reset token, which it uses up with every other reset token of the
     * user, and ends every session and access token of the user, Auth.js sessions included. Of
     * concurrent resets with one token, one wins; the others get 400 RESET_TOKEN_INVALID.
     */
    async resetPassword(input: PasswordResetInput, origin: RequestOrigin): Promise<void> {
      const hash = tokenHash(input.token);
      // A cheap miss first: an unknown token costs no bcrypt.
      const ownerId = await database.emailTokens.findOwnerId(hash, 'reset');
      if (ownerId === null) throw new AppError('RESET_TOKEN_INVALID');
      const passwordHash = await passwords.hash(input.new_password);
      const revocation = await database.inTransaction(async (transaction) => {
        // THE LOCK ORDER (UsersRepository.lock): the user first, then what is theirs.
        const user = await transaction.users.lock(ownerId);
        const now = new Date();
        // A link mailed to an address the user no longer has proves nothing about them.
        if (user === null || !(await transaction.emailTokens.use(hash, 'reset', addressHash(user.email), now))) {
          throw new AppError('RESET_TOKEN_INVALID');
        }
        // Checked once the token is known to be good, like a refresh: a guess learns nothing.
        if (user.disabledAt !== null) throw new AppError('USER_DISABLED');
        await transaction.users.setPasswordHash(user.id, passwordHash);
        // The link reached the address, so the address is proven: as good as a verification link.
        await transaction.users.markEmailVerified(user.id, now);
        await transaction.emailTokens.useAllOf(user.id, 'reset', now);
        await recordPasswordReset(transaction, user.id, origin);
        return sessions.endAllAccess(user, 'password_reset', transaction);
      });
      revocations.announce(revocation);
      cache.forgetUser(ownerId);
    },

    /** Mails the caller a verification link (nothing when the address is verified already). */
    async requestEmailVerification({ token }: Authenticated): Promise<void> {
      requireMail();
      const user = await database.users.findById(token.userId);
      if (user === null) throw new AppError('USER_NOT_FOUND');
      if (user.emailVerified !== null) return;
      const created = newToken();
      const outcome = await database.emailTokens.insert({
        tokenHash: created.hash,
        purpose: 'verify',
        userId: user.id,
        emailHash: addressHash(user.email),
        expiresAt: expiresAt(settings.emailVerifyTtlSeconds),
      });
      // Deleted since the lookup above: the token's user no longer exists, as if looked up a moment later.
      if (outcome !== 'inserted') throw new AppError('USER_NOT_FOUND');
      void mailer.send({
        to: user.email,
        subject: 'Verify your email address',
        text:
          `To confirm that ${user.email} is your address, open this link:\n\n` +
          `${linkOf(settings.emailVerifyUrl, created.token)}\n\nIf you did not ask for it, ignore this mail.\n`,
      });
    },

    /** Marks the token's user's email verified, using the token up. */
    async verifyEmail(token: string, origin: RequestOrigin): Promise<void> {
      const hash = tokenHash(token);
      const ownerId = await database.emailTokens.findOwnerId(hash, 'verify');
      if (ownerId === null) throw new AppError('VERIFY_TOKEN_INVALID');
      await database.inTransaction(async (transaction) => {
        const user = await transaction.users.lock(ownerId);
        const now = new Date();
        // Verifies the address it was mailed to, never one the user was given since.
        if (user === null || !(await transaction.emailTokens.use(hash, 'verify', addressHash(user.email), now))) {
          throw new AppError('VERIFY_TOKEN_INVALID');
        }
        await transaction.users.markEmailVerified(user.id, now);
        // A proven address lets an OpenID identity with that email link to the account: a security event.
        const changes = { email: user.email };
        await recordAudit(
          transaction,
          { actorId: user.id, action: 'email.verified', targetUserId: user.id, changes },
          origin,
        );
      });
      // This process shows it at once; other instances within REVOCATION_CACHE_TTL_MS.
      cache.forgetUser(ownerId);
    },
  };
}

export type EmailService = ReturnType<typeof createEmailService>;
