import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

/** A user's link to an account at a provider (an Auth.js provider or an OpenID provider). */
export class Account extends Model<InferAttributes<Account>, InferCreationAttributes<Account>> {
  declare id: CreationOptional<number>;
  declare userId: number;
  declare type: string;
  declare provider: string;
  declare providerAccountId: string;
  declare refreshToken: string | null;
  declare accessToken: string | null;
  /** Seconds since the epoch. */
  declare expiresAt: number | null;
  declare tokenType: string | null;
  declare scope: string | null;
  declare idToken: string | null;
  declare sessionState: string | null;
  /** Further fields a provider added (strings, or numbers such as `expires_in`), kept as given. */
  declare extra: Record<string, string | number | boolean | null> | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initialise(sequelize: Sequelize): void {
    Account.init(
      {
        id: { type: DataTypes.INTEGER.UNSIGNED, autoIncrement: true, primaryKey: true },
        userId: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false },
        type: { type: DataTypes.STRING(32), allowNull: false },
        provider: { type: DataTypes.STRING(64), allowNull: false },
        providerAccountId: { type: DataTypes.STRING(255), allowNull: false },
        refreshToken: { type: DataTypes.TEXT, allowNull: true },
        accessToken: { type: DataTypes.TEXT, allowNull: true },
        expiresAt: { type: DataTypes.BIGINT, allowNull: true },
        tokenType: { type: DataTypes.STRING(64), allowNull: true },
        scope: { type: DataTypes.TEXT, allowNull: true },
        idToken: { type: DataTypes.TEXT, allowNull: true },
        sessionState: { type: DataTypes.STRING(255), allowNull: true },
        extra: { type: DataTypes.JSON, allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'accounts', underscored: true },
    );
  }
}
