import { createHash, randomBytes } from 'node:crypto';
import { EmailToken, User, type EmailTokenPurpose } from '../../src/models';
import { api, createUser, loggedInUser, uniqueEmail } from './factories';
import { call, tokenFor, withValidBody, type Scenario } from './openapi-call';

/** A production app without SMTP_URL: the routes that mail answer 503 MAIL_UNAVAILABLE. */
const withoutSmtp = () => api({ NODE_ENV: 'production', BCRYPT_ROUNDS: '10', SMTP_URL: '' });

/** A token of `purpose` for a new user, stored as the server would have stored it when mailing it. */
async function mailedToken(purpose: EmailTokenPurpose, disabled = false): Promise<string> {
  const { user } = await createUser();
  if (disabled) await User.update({ disabledAt: new Date() }, { where: { id: user.id } });
  const token = randomBytes(32).toString('base64url');
  await EmailToken.create({
    tokenHash: createHash('sha256').update(token).digest('hex'),
    purpose,
    userId: user.id,
    emailHash: createHash('sha256').update(user.email).digest('hex'),
    expiresAt: new Date(Date.now() + 600_000),
    usedAt: null,
  });
  return token;
}

const unknownToken = () => randomBytes(32).toString('base64url');

/** Scenarios of the password-reset and email-verification examples, by `METHOD /path` then name. */
export const EMAIL_SCENARIOS: Record<string, Record<string, Scenario>> = {
  'POST /auth/password/forgot': {
    accepted: (operation) => call(operation).send({ email: uniqueEmail() }),
    VALIDATION_FAILED: (operation) => call(operation).send({ email: 'not-an-email' }),
    MAIL_UNAVAILABLE: (operation) => withValidBody(call(operation, undefined, withoutSmtp()), operation),
  },
  'POST /auth/password/reset': {
    reset: async (operation) =>
      call(operation).send({ token: await mailedToken('reset'), new_password: 'a new passphrase' }),
    VALIDATION_FAILED: (operation) => call(operation).send({ token: unknownToken(), new_password: 'short' }),
    RESET_TOKEN_INVALID: (operation) =>
      call(operation).send({ token: unknownToken(), new_password: 'a new passphrase' }),
    USER_DISABLED: async (operation) =>
      call(operation).send({ token: await mailedToken('reset', true), new_password: 'a new passphrase' }),
  },
  'POST /auth/email/verify/request': {
    accepted: async (operation) => call(operation, await tokenFor(operation)),
    MAIL_UNAVAILABLE: async (operation) => call(operation, (await loggedInUser()).accessToken, withoutSmtp()),
  },
  'POST /auth/email/verify': {
    verified: async (operation) => call(operation).send({ token: await mailedToken('verify') }),
    VALIDATION_FAILED: (operation) => call(operation).send({}),
    VERIFY_TOKEN_INVALID: (operation) => call(operation).send({ token: unknownToken() }),
  },
};
