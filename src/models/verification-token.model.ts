import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

/** An Auth.js email sign-in token, known by its identifier and the SHA-256 of the token. */
export class VerificationToken extends Model<
  InferAttributes<VerificationToken>,
  InferCreationAttributes<VerificationToken>
> {
  declare identifier: string;
  declare tokenHash: string;
  declare expires: Date;

  static initialise(sequelize: Sequelize): void {
    VerificationToken.init(
      {
        identifier: { type: DataTypes.STRING(255), primaryKey: true },
        tokenHash: { type: DataTypes.CHAR(64), primaryKey: true },
        expires: { type: DataTypes.DATE(3), allowNull: false },
      },
      { sequelize, tableName: 'verification_tokens', underscored: true, timestamps: false },
    );
  }
}
