import { User, type Role } from '../models';

/** What the API ever shows of a user: never the password hash. */
export interface UserDto {
  id: number;
  email: string;
  name: string;
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

const DTO_ATTRIBUTES = ['id', 'email', 'name', 'role', 'createdAt'] as const;

/** Loads a user's public fields by id; a plain row, no model instance. */
export async function findUserById(id: number): Promise<UserDto | null> {
  const row = await User.findByPk(id, { attributes: [...DTO_ATTRIBUTES], raw: true });
  return row === null ? null : toUserDto(row);
}

/** Loads a user with the password hash, for login only. `email` must already be normalised. */
export function findUserByEmail(email: string): Promise<User | null> {
  return User.findOne({ where: { email } });
}
