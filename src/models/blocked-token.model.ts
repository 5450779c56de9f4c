import { DataTypes, Model, type InferAttributes, type InferCreationAttributes, type Sequelize } from 'sequelize';

/** Why a token or session was revoked, so an operator can see why it died. */
export type RevocationReason =
  | 'logout'
  | 'logout_others'
  | 'logout_all'
  | 'password_change'
  /** POST /auth/password/reset: every session and access token of the user. */
  | 'password_reset'
  | 'refresh_reuse'
  | 'admin'
  /** POST /auth/revoke by an introspection client (RFC 7009). */
  | 'client_revocation'
  /** Signing keys retired by `--purge`: every token they signed is refused. */
  | 'key_retired';

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
