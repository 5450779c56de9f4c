'use strict';

// The audit log: who did what to which user, when, from where. Append-only for the application (no
// UPDATE anywhere; only `node app --purge` deletes rows past AUDIT_RETENTION_DAYS). No foreign keys:
// the record of a deleted user, or by one, must outlive them.
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.createTable('audit_events', {
      id: { type: Sequelize.BIGINT.UNSIGNED, autoIncrement: true, primaryKey: true },
      // Null: the system did it (reuse detection, a lockout, the command line).
      actor_id: { type: Sequelize.INTEGER.UNSIGNED, allowNull: true },
      action: { type: Sequelize.STRING(40), allowNull: false },
      target_user_id: { type: Sequelize.INTEGER.UNSIGNED, allowNull: true },
      request_id: { type: Sequelize.STRING(128), allowNull: true },
      ip: { type: Sequelize.STRING(45), allowNull: true },
      // What changed, as { field: { from, to } } or a few facts; never a password, hash or token.
      changes: { type: Sequelize.JSON, allowNull: true },
      created_at: { type: Sequelize.DATE(3), allowNull: false },
    });
    await queryInterface.addIndex('audit_events', ['created_at'], { name: 'audit_events_created_at' });
    await queryInterface.addIndex('audit_events', ['target_user_id', 'id'], { name: 'audit_events_target' });
    await queryInterface.addIndex('audit_events', ['actor_id', 'id'], { name: 'audit_events_actor' });
    await queryInterface.addIndex('audit_events', ['action', 'id'], { name: 'audit_events_action' });
    // The admin list filters and sorts by these; LAST_ADMIN locks the enabled admins through the first.
    await queryInterface.addIndex('users', ['role', 'disabled_at'], { name: 'users_role_disabled' });
    await queryInterface.addIndex('users', ['name'], { name: 'users_name' });
    await queryInterface.addIndex('users', ['created_at'], { name: 'users_created_at' });
  },

  async down(queryInterface) {
    await queryInterface.removeIndex('users', 'users_created_at');
    await queryInterface.removeIndex('users', 'users_name');
    await queryInterface.removeIndex('users', 'users_role_disabled');
    await queryInterface.dropTable('audit_events');
  },
};
