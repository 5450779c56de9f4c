import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

/** The fixed vocabulary of the audit log. */
export const AUDIT_ACTIONS = [
  'user.updated',
  'user.disabled',
  'user.enabled',
  'user.role_changed',
  'user.deleted',
  'user.sessions_revoked',
  'admin.created',
  'password.changed',
  'password.reset',
  'logout.all',
  'refresh.reuse_detected',
  'login.locked',
  'account.linked',
  'account.unlinked',
  'email.verified',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** A small JSON of what changed: field → { from, to }, or a few plain facts. */
export type AuditChanges = Record<string, string | number | boolean | null | { from: unknown; to: unknown }>;

/** One line of the audit log; the application only ever inserts them. */
export class AuditEvent extends Model<InferAttributes<AuditEvent>, InferCreationAttributes<AuditEvent>> {
  declare id: CreationOptional<number>;
  /** Null: the system (reuse detection, a lockout, the command line). */
  declare actorId: number | null;
  declare action: AuditAction;
  declare targetUserId: number | null;
  declare requestId: string | null;
  declare ip: string | null;
  declare changes: AuditChanges | null;
  declare createdAt: CreationOptional<Date>;

  static initialise(sequelize: Sequelize): void {
    AuditEvent.init(
      {
        id: { type: DataTypes.BIGINT.UNSIGNED, autoIncrement: true, primaryKey: true },
        actorId: { type: DataTypes.INTEGER.UNSIGNED, allowNull: true },
        action: { type: DataTypes.STRING(40), allowNull: false },
        targetUserId: { type: DataTypes.INTEGER.UNSIGNED, allowNull: true },
        requestId: { type: DataTypes.STRING(128), allowNull: true },
        ip: { type: DataTypes.STRING(45), allowNull: true },
        changes: { type: DataTypes.JSON, allowNull: true },
        createdAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'audit_events', underscored: true, updatedAt: false },
    );
  }
}
