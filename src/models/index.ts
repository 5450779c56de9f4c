import type { Sequelize } from 'sequelize';
import { BlockedToken } from './blocked-token.model';
import { User } from './user.model';

export { BlockedToken, User };
export type { RevocationReason } from './blocked-token.model';
export type { Role } from './user.model';

/** Initialises every model on `sequelize`, then their associations. */
export function initModels(sequelize: Sequelize): void {
  User.initialise(sequelize);
  BlockedToken.initialise(sequelize);
  User.hasMany(BlockedToken, { foreignKey: 'userId', onDelete: 'CASCADE' });
  BlockedToken.belongsTo(User, { foreignKey: 'userId' });
}
