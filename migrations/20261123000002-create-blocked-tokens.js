'use strict';

module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.createTable(
      'blocked_tokens',
      {
        jti: { type: Sequelize.STRING(255), primaryKey: true },
        user_id: {
          type: Sequelize.INTEGER.UNSIGNED,
          allowNull: false,
          references: { model: 'users', key: 'id' },
          onDelete: 'CASCADE',
          onUpdate: 'CASCADE',
        },
        // The token's own exp: once it has passed the row can go, the token is dead anyway.
        expires_at: { type: Sequelize.DATE, allowNull: false },
        blocked_at: { type: Sequelize.DATE(3), allowNull: false },
        reason: { type: Sequelize.STRING(32), allowNull: false, defaultValue: 'logout' },
      },
      // Binary collation: jti values are case-sensitive, "aB" must never match "Ab".
      { charset: 'utf8mb4', collate: 'utf8mb4_bin' },
    );
    await queryInterface.addIndex('blocked_tokens', ['expires_at'], {
      name: 'blocked_tokens_expires_at',
    });
  },

  async down(queryInterface) {
    await queryInterface.dropTable('blocked_tokens');
  },
};
