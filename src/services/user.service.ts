import { User, type Role } from '../models';
import type { AuthUser } from './revocation-cache';

/** What the API ever shows of a user: never the password hash. */
export interface UserDto {
  id: number;
  email: string;
  /** Null for a user who signed in through a provider that gave no name. */
  name: string | null;
  role: Role;
  registered_on: string;
}

export function toUserDto(user: Pick<User, 'id' | 'email' | 'name' | 'role' | 'createdAt'>): UserDto {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    registered_on: user.createdAt.toISOString(),
  };
}

/** Loads what authentication needs of a user: a plain row, no model instance. */
export async function findAuthUser(id: number): Promise<AuthUser | null> {
  const row = await User.findByPk(id, {
    attributes: ['id', 'email', 'name', 'role', 'createdAt', 'tokenVersion'],
    raw: true,
  });
  return row === null ? null : { user: toUserDto(row), tokenVersion: row.tokenVersion };
}

/** Loads a user with the password hash, for login only. `email` must already be normalised. */
export function findUserByEmail(email: string): Promise<User | null> {
  return User.findOne({ where: { email } });
}
