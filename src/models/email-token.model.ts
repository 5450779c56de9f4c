import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

/** What a mailed token is for. */
export const EMAIL_TOKEN_PURPOSES = ['reset', 'verify'] as const;
export type EmailTokenPurpose = (typeof EMAIL_TOKEN_PURPOSES)[number];

/** A single-use token mailed to one of our users, known by the SHA-256 of the token. */
export class EmailToken extends Model<InferAttributes<EmailToken>, InferCreationAttributes<EmailToken>> {
  declare tokenHash: string;
  declare purpose: EmailTokenPurpose;
  declare userId: number;
  /** SHA-256 (hex) of the address the token was mailed to: it works only while the user has that address. */
  declare emailHash: string;
  declare expiresAt: Date;
  declare usedAt: Date | null;
  declare createdAt: CreationOptional<Date>;

  static initialise(sequelize: Sequelize): void {
    EmailToken.init(
      {
        tokenHash: { type: DataTypes.CHAR(64), primaryKey: true },
        purpose: { type: DataTypes.STRING(16), allowNull: false },
        userId: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false },
        emailHash: { type: DataTypes.CHAR(64), allowNull: false },
        expiresAt: { type: DataTypes.DATE(3), allowNull: false },
        usedAt: { type: DataTypes.DATE(3), allowNull: true },
        createdAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'email_tokens', underscored: true, updatedAt: false },
    );
  }
}
