import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { RevocationReason } from './blocked-token.model';

/** Why a refresh-token row stopped being usable: rotated into a child, or revoked. */
export type SessionEndReason = 'rotated' | RevocationReason;

/**
 * One refresh token. Rows of one login share `familyId`: that family is the session, and its id is
 * the `sid` of access tokens. `lastUsedAt` is when the session was last used as of this row: when
 * the row was issued, by the login or by the refresh that retired its parent.
 */
export class Session extends Model<InferAttributes<Session>, InferCreationAttributes<Session>> {
  declare id: string;
  declare familyId: string;
  declare parentId: string | null;
  declare userId: number;
  declare refreshTokenHash: string;
  declare createdAt: CreationOptional<Date>;
  declare lastUsedAt: Date;
  declare expiresAt: Date;
  declare absoluteExpiresAt: Date;
  declare revokedAt: Date | null;
  declare reason: SessionEndReason | null;
  declare ip: string | null;
  declare userAgent: string | null;

  static initialise(sequelize: Sequelize): void {
    Session.init(
      {
        id: { type: DataTypes.STRING(32), primaryKey: true },
        familyId: { type: DataTypes.STRING(32), allowNull: false },
        parentId: { type: DataTypes.STRING(32), allowNull: true },
        userId: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false },
        refreshTokenHash: { type: DataTypes.CHAR(64), allowNull: false },
        createdAt: DataTypes.DATE(3),
        lastUsedAt: { type: DataTypes.DATE(3), allowNull: false },
        expiresAt: { type: DataTypes.DATE, allowNull: false },
        absoluteExpiresAt: { type: DataTypes.DATE, allowNull: false },
        revokedAt: { type: DataTypes.DATE(3), allowNull: true },
        reason: { type: DataTypes.STRING(32), allowNull: true },
        ip: { type: DataTypes.STRING(45), allowNull: true },
        userAgent: { type: DataTypes.STRING(255), allowNull: true },
      },
      { sequelize, tableName: 'sessions', underscored: true, updatedAt: false },
    );
  }
}
