import type { Role } from '../models';
import type { UserRecord, UsersRepository } from '../repositories';
import type { AuthUser } from './revocation-cache';

/** What the API ever shows of a user: never the password hash. */
export interface UserDto {
  id: number;
  email: string;
  /** Null for a user who signed in through a provider that gave no name. */
  name: string | null;
  role: Role;
  /** True once the user proved the address is theirs (POST /auth/email/verify, or a provider said so). */
  email_verified: boolean;
  registered_on: string;
}

export function toUserDto(
  user: Pick<UserRecord, 'id' | 'email' | 'name' | 'role' | 'emailVerified' | 'createdAt'>,
): UserDto {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    email_verified: user.emailVerified !== null,
    registered_on: user.createdAt.toISOString(),
  };
}

/** Loads what authentication needs of a user: the public profile and the token version. */
export async function findAuthUser(
  users: Pick<UsersRepository, 'findAuthFields'>,
  id: number,
): Promise<AuthUser | null> {
  const user = await users.findAuthFields(id);
  return user === null
    ? null
    : { user: toUserDto(user), tokenVersion: user.tokenVersion, disabled: user.disabledAt !== null };
}
