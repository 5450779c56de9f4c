import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

export const ROLES = ['user', 'moderator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export class User extends Model<InferAttributes<User>, InferCreationAttributes<User>> {
  declare id: CreationOptional<number>;
  declare email: string;
  /** Null for a user who only ever signed in through a provider: no password login. */
  declare passwordHash: string | null;
  declare name: string | null;
  /** When the email address was proven to be the user's; null until then. */
  declare emailVerified: CreationOptional<Date | null>;
  declare image: CreationOptional<string | null>;
  /** When an admin or moderator suspended the user; null while the user may sign in. */
  declare disabledAt: CreationOptional<Date | null>;
  declare role: CreationOptional<Role>;
  declare tokenVersion: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initialise(sequelize: Sequelize): void {
    User.init(
      {
        id: { type: DataTypes.INTEGER.UNSIGNED, autoIncrement: true, primaryKey: true },
        email: { type: DataTypes.STRING(254), allowNull: false, unique: true },
        passwordHash: { type: DataTypes.STRING(60), allowNull: true },
        name: { type: DataTypes.STRING(100), allowNull: true },
        emailVerified: { type: DataTypes.DATE(3), allowNull: true },
        image: { type: DataTypes.STRING(2048), allowNull: true },
        disabledAt: { type: DataTypes.DATE(3), allowNull: true },
        role: { type: DataTypes.ENUM(...ROLES), allowNull: false, defaultValue: 'user' },
        tokenVersion: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false, defaultValue: 0 },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'users', underscored: true },
    );
  }
}
