import { UniqueConstraintError } from 'sequelize';
import { AppError } from '../errors/app-error';
import { User } from '../models';
import type { LoginInput, SignupInput } from '../validators/auth.schemas';
import type { PasswordHasher } from './password.service';
import { isTokenRevoked, revokeToken } from './revocation.service';
import type { AccessTokenClaims, TokenService } from './token.service';
import { findUserByEmail, findUserById, toUserDto, type UserDto } from './user.service';

/** What signup and login answer: the user and a fresh access token. */
export interface SessionDto {
  user: UserDto;
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

/** The caller of an authenticated request. */
export interface Authenticated {
  user: UserDto;
  token: AccessTokenClaims;
}

export interface AuthService {
  signup(input: SignupInput): Promise<SessionDto>;
  login(input: LoginInput): Promise<SessionDto>;
  authenticate(accessToken: string): Promise<Authenticated>;
  logout(caller: Authenticated): Promise<void>;
}

export function createAuthService(deps: { tokens: TokenService; passwords: PasswordHasher }): AuthService {
  const { tokens, passwords } = deps;

  function startSession(user: UserDto): SessionDto {
    const issued = tokens.issueAccessToken(user.id);
    return {
      user,
      access_token: issued.accessToken,
      token_type: 'Bearer',
      expires_in: issued.expiresInSeconds,
    };
  }

  return {
    /** Creates the account. The unique index on email decides races: one 201, the rest 409. */
    async signup(input) {
      const passwordHash = await passwords.hash(input.password);
      try {
        const user = await User.create({ email: input.email, passwordHash, name: input.name });
        return startSession(toUserDto(user));
      } catch (error) {
        // Insert-and-catch, never check-then-insert: concurrent signups of one email all reach here.
        if (error instanceof UniqueConstraintError) throw new AppError('EMAIL_TAKEN', { cause: error });
        throw error;
      }
    },

    /** One answer for "no such email" and "wrong password", with the same bcrypt cost for both. */
    async login(input) {
      const user = await findUserByEmail(input.email);
      const matches = await passwords.verify(input.password, user?.passwordHash ?? null);
      if (user === null || !matches) throw new AppError('INVALID_CREDENTIALS');
      return startSession(toUserDto(user));
    },

    /** Verifies the token, then checks the blocklist and loads the user in parallel. */
    async authenticate(accessToken) {
      const token = tokens.verifyAccessToken(accessToken);
      const [revoked, user] = await Promise.all([isTokenRevoked(token.jti), findUserById(token.userId)]);
      if (revoked) throw new AppError('TOKEN_REVOKED');
      if (user === null) throw new AppError('USER_NOT_FOUND');
      return { user, token };
    },

    async logout(caller) {
      await revokeToken(caller.token, 'logout');
    },
  };
}
