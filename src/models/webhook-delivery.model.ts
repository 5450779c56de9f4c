import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

/** The user events sent to WEBHOOK_URL. */
export const WEBHOOK_EVENTS = [
  'user.created',
  'user.updated',
  'user.disabled',
  'user.deleted',
  'user.sessions_revoked',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

/** One event of the outbox and the outcome of sending it. */
export class WebhookDelivery extends Model<InferAttributes<WebhookDelivery>, InferCreationAttributes<WebhookDelivery>> {
  declare id: CreationOptional<number>;
  declare eventId: string;
  declare type: WebhookEventType;
  declare userId: number | null;
  /** The exact JSON text that is signed and sent. */
  declare body: string;
  declare status: WebhookDeliveryStatus;
  declare attempts: CreationOptional<number>;
  declare nextAttemptAt: Date;
  declare leaseUntil: CreationOptional<Date | null>;
  declare lastStatusCode: CreationOptional<number | null>;
  declare lastError: CreationOptional<string | null>;
  declare deliveredAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initialise(sequelize: Sequelize): void {
    WebhookDelivery.init(
      {
        id: { type: DataTypes.BIGINT.UNSIGNED, autoIncrement: true, primaryKey: true },
        eventId: { type: DataTypes.CHAR(36), allowNull: false, unique: true },
        type: { type: DataTypes.STRING(40), allowNull: false },
        userId: { type: DataTypes.INTEGER.UNSIGNED, allowNull: true },
        body: { type: DataTypes.TEXT, allowNull: false },
        status: { type: DataTypes.STRING(16), allowNull: false },
        attempts: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false, defaultValue: 0 },
        nextAttemptAt: { type: DataTypes.DATE(3), allowNull: false },
        leaseUntil: { type: DataTypes.DATE(3), allowNull: true },
        lastStatusCode: { type: DataTypes.INTEGER, allowNull: true },
        lastError: { type: DataTypes.STRING(255), allowNull: true },
        deliveredAt: { type: DataTypes.DATE(3), allowNull: true },
        createdAt: DataTypes.DATE(3),
        updatedAt: DataTypes.DATE(3),
      },
      { sequelize, tableName: 'webhook_deliveries', underscored: true },
    );
  }
}
