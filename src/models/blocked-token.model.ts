import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

/** Why a token or session was revoked, so an operator can see why it died. */
export type RevocationReason =
  'logout' | 'logout_others' | 'logout_all' | 'password_change' | 'refresh_reuse' | 'admin';

export class BlockedToken extends Model<InferAttributes<BlockedToken>, InferCreationAttributes<BlockedToken>> {
  declare jti: string;
  declare userId: number;
  declare expiresAt: Date;
  declare blockedAt: Date;
  declare reason: RevocationReason;

  static initialise(sequelize: Sequelize): void {
    BlockedToken.init(
      {
        jti: { type: DataTypes.STRING(255), primaryKey: true },
        userId: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false },
        expiresAt: { type: DataTypes.DATE, allowNull: false },
        blockedAt: { type: DataTypes.DATE(3), allowNull: false },
        reason: { type: DataTypes.STRING(32), allowNull: false },
      },
      { sequelize, tableName: 'blocked_tokens', underscored: true, timestamps: false },
    );
  }
}
