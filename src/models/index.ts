import type { Sequelize } from 'sequelize';
import { Account } from './account.model';
import { Authenticator } from './authenticator.model';
import { AuthjsSession } from './authjs-session.model';
import { AuditEvent } from './audit-event.model';
import { BlockedToken } from './blocked-token.model';
import { EmailToken } from './email-token.model';
import { OidcCode } from './oidc-code.model';
import { OidcLogin } from './oidc-login.model';
import { Session } from './session.model';
import { SigningKey } from './signing-key.model';
import { User } from './user.model';
import { VerificationToken } from './verification-token.model';

import { WebhookDelivery } from './webhook-delivery.model';

export {
  Account,
  AuditEvent,
  Authenticator,
  AuthjsSession,
  BlockedToken,
  EmailToken,
  OidcCode,
  OidcLogin,
  Session,
  SigningKey,
  User,
  VerificationToken,
  WebhookDelivery,
};
export { AUDIT_ACTIONS, type AuditAction, type AuditChanges } from './audit-event.model';
export { WEBHOOK_EVENTS, type WebhookDeliveryStatus, type WebhookEventType } from './webhook-delivery.model';
export { EMAIL_TOKEN_PURPOSES, type EmailTokenPurpose } from './email-token.model';
export type { SessionEndReason } from './session.model';
export type { RevocationReason } from './blocked-token.model';
export { ROLES, type Role } from './user.model';

/** Initialises every model on `sequelize`, then their associations. */
export function initModels(sequelize: Sequelize): void {
  User.initialise(sequelize);
  BlockedToken.initialise(sequelize);
  Session.initialise(sequelize);
  Account.initialise(sequelize);
  SigningKey.initialise(sequelize);
  AuthjsSession.initialise(sequelize);
  VerificationToken.initialise(sequelize);
  Authenticator.initialise(sequelize);
  AuditEvent.initialise(sequelize);
  WebhookDelivery.initialise(sequelize);
  OidcLogin.initialise(sequelize);
  OidcCode.initialise(sequelize);
  EmailToken.initialise(sequelize);
  User.hasMany(BlockedToken, { foreignKey: 'userId', onDelete: 'CASCADE' });
  BlockedToken.belongsTo(User, { foreignKey: 'userId' });
  User.hasMany(Session, { foreignKey: 'userId', onDelete: 'CASCADE' });
  Session.belongsTo(User, { foreignKey: 'userId' });
  User.hasMany(Account, { foreignKey: 'userId', onDelete: 'CASCADE' });
  Account.belongsTo(User, { foreignKey: 'userId' });
  User.hasMany(AuthjsSession, { foreignKey: 'userId', onDelete: 'CASCADE' });
  AuthjsSession.belongsTo(User, { foreignKey: 'userId' });
  User.hasMany(Authenticator, { foreignKey: 'userId', onDelete: 'CASCADE' });
  Authenticator.belongsTo(User, { foreignKey: 'userId' });
  User.hasMany(OidcCode, { foreignKey: 'userId', onDelete: 'CASCADE' });
  OidcCode.belongsTo(User, { foreignKey: 'userId' });
  User.hasMany(EmailToken, { foreignKey: 'userId', onDelete: 'CASCADE' });
  EmailToken.belongsTo(User, { foreignKey: 'userId' });
}

/** The Sequelize instance the models were initialised on. */
export function boundSequelize(): Sequelize {
  const { sequelize } = User;
  if (sequelize === undefined) throw new Error('models are not initialised: call initModels first');
  return sequelize;
}
