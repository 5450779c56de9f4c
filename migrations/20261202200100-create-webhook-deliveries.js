'use strict';

// The webhook outbox: one row per event, written in the transaction of the change it reports, then
// sent by a worker (at least once). A worker claims a row by setting `lease_until` (SELECT … FOR
// UPDATE SKIP LOCKED, then UPDATE, committed before the HTTP call): while the lease runs no other
// process sends it; a process killed mid-delivery leaves the lease to expire and the row is resent.
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.createTable('webhook_deliveries', {
      id: { type: Sequelize.BIGINT.UNSIGNED, autoIncrement: true, primaryKey: true },
      // Sent as the event's id: receivers drop a redelivery they already handled.
      event_id: { type: Sequelize.CHAR(36), allowNull: false, unique: true },
      type: { type: Sequelize.STRING(40), allowNull: false },
      // Events of one user are sent in id order: a later one waits while an earlier one is pending.
      user_id: { type: Sequelize.INTEGER.UNSIGNED, allowNull: true },
      body: { type: Sequelize.TEXT, allowNull: false },
      // pending → delivered | failed (WEBHOOK_MAX_ATTEMPTS used up).
      status: { type: Sequelize.STRING(16), allowNull: false },
      attempts: { type: Sequelize.INTEGER.UNSIGNED, allowNull: false, defaultValue: 0 },
      next_attempt_at: { type: Sequelize.DATE(3), allowNull: false },
      lease_until: { type: Sequelize.DATE(3), allowNull: true },
      last_status_code: { type: Sequelize.INTEGER, allowNull: true },
      last_error: { type: Sequelize.STRING(255), allowNull: true },
      delivered_at: { type: Sequelize.DATE(3), allowNull: true },
      created_at: { type: Sequelize.DATE(3), allowNull: false },
      updated_at: { type: Sequelize.DATE(3), allowNull: false },
    });
    await queryInterface.addIndex('webhook_deliveries', ['status', 'next_attempt_at'], {
      name: 'webhook_deliveries_due',
    });
    await queryInterface.addIndex('webhook_deliveries', ['user_id', 'status', 'id'], {
      name: 'webhook_deliveries_user_order',
    });
  },

  async down(queryInterface) {
    await queryInterface.dropTable('webhook_deliveries');
  },
};
