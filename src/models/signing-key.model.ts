import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

/** One asymmetric signing key: its public JWK in clear, its private key only encrypted. */
export class SigningKey extends Model<InferAttributes<SigningKey>, InferCreationAttributes<SigningKey>> {
  declare kid: string;
  declare algorithm: string;
  /** JSON text of the public JWK, without kid, alg or use. */
  declare publicJwk: string;
  /** AES-256-GCM of the PKCS#8 DER private key, see key-material.ts. */
  declare privateKeyEncrypted: string;
  declare createdAt: Date;
  declare activatedAt: Date;
  declare retiredAt: Date | null;

  static initialise(sequelize: Sequelize): void {
    SigningKey.init(
      {
        kid: { type: DataTypes.STRING(64), primaryKey: true },
        algorithm: { type: DataTypes.STRING(8), allowNull: false },
        publicJwk: { type: DataTypes.TEXT, allowNull: false },
        privateKeyEncrypted: { type: DataTypes.TEXT, allowNull: false },
        createdAt: { type: DataTypes.DATE(3), allowNull: false },
        activatedAt: { type: DataTypes.DATE(3), allowNull: false },
        retiredAt: { type: DataTypes.DATE(3), allowNull: true },
      },
      { sequelize, tableName: 'signing_keys', underscored: true, timestamps: false },
    );
  }
}
