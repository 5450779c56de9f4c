import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

/** A one-time code a successful OpenID sign-in handed the front end, until it is exchanged. */
export class OidcCode extends Model<InferAttributes<OidcCode>, InferCreationAttributes<OidcCode>> {
  /** SHA-256 (base64url) of the code: the raw code is never stored. */
  declare codeHash: string;
  declare userId: number;
  /** The challenge of the front end that started the sign-in (see OidcLogin). */
  declare clientChallenge: string;
  declare expiresAt: Date;
  declare createdAt: Date;

  static initialise(sequelize: Sequelize): void {
    OidcCode.init(
      {
        codeHash: { type: DataTypes.CHAR(43), primaryKey: true },
        userId: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false },
        clientChallenge: { type: DataTypes.CHAR(43), allowNull: false },
        expiresAt: { type: DataTypes.DATE(3), allowNull: false },
        createdAt: { type: DataTypes.DATE(3), allowNull: false },
      },
      { sequelize, tableName: 'oidc_codes', underscored: true, timestamps: false },
    );
  }
}
