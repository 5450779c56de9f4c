import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

/** A WebAuthn credential (passkey) an Auth.js app registered for a user. */
export class Authenticator extends Model<InferAttributes<Authenticator>, InferCreationAttributes<Authenticator>> {
  declare credentialId: string;
  declare userId: number;
  declare providerAccountId: string;
  declare credentialPublicKey: string;
  declare counter: number;
  declare credentialDeviceType: string;
  declare credentialBackedUp: boolean;
  declare transports: string | null;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initialise(sequelize: Sequelize): void {
    Authenticator.init(
      {
        credentialId: { type: DataTypes.STRING(512), primaryKey: true },
        userId: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false },
        providerAccountId: { type: DataTypes.STRING(255), allowNull: false },
        credentialPublicKey: { type: DataTypes.TEXT, allowNull: false },
        counter: { type: DataTypes.BIGINT.UNSIGNED, allowNull: false },
        credentialDeviceType: { type: DataTypes.STRING(32), allowNull: false },
        credentialBackedUp: { type: DataTypes.BOOLEAN, allowNull: false },
        transports: { type: DataTypes.STRING(255), allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'authenticators', underscored: true },
    );
  }
}
