import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

/** A sign-in with an OpenID provider, started and not yet called back; see the migration. */
export class OidcLogin extends Model<InferAttributes<OidcLogin>, InferCreationAttributes<OidcLogin>> {
  /** SHA-256 (base64url) of the binding cookie's value: the raw value is never stored. */
  declare idHash: string;
  declare provider: string;
  declare state: string;
  declare nonce: string;
  declare codeVerifier: string;
  declare redirectTo: string;
  /** The front end's PKCE challenge (S256, base64url): its code_verifier alone redeems the code. */
  declare clientChallenge: string;
  declare expiresAt: Date;
  declare createdAt: Date;

  static initialise(sequelize: Sequelize): void {
    OidcLogin.init(
      {
        idHash: { type: DataTypes.CHAR(43), primaryKey: true },
        provider: { type: DataTypes.STRING(64), allowNull: false },
        state: { type: DataTypes.STRING(64), allowNull: false },
        nonce: { type: DataTypes.STRING(64), allowNull: false },
        codeVerifier: { type: DataTypes.STRING(128), allowNull: false },
        redirectTo: { type: DataTypes.STRING(2048), allowNull: false },
        clientChallenge: { type: DataTypes.CHAR(43), allowNull: false },
        expiresAt: { type: DataTypes.DATE(3), allowNull: false },
        createdAt: { type: DataTypes.DATE(3), allowNull: false },
      },
      { sequelize, tableName: 'oidc_logins', underscored: true, timestamps: false },
    );
  }
}
