'use strict';

module.exports = {
  async up(queryInterface, Sequelize) {
    // Bumped by "log out everywhere": one write invalidates every access token the user holds.
    await queryInterface.addColumn('users', 'token_version', {
      type: Sequelize.INTEGER.UNSIGNED,
      allowNull: false,
      defaultValue: 0,
    });
    // One row per refresh token. Rows of one login share a family_id, which is the session id
    // (`sid`) that access tokens carry; each rotation retires a row and adds its child.
    await queryInterface.createTable(
      'sessions',
      {
        id: { type: Sequelize.STRING(32), primaryKey: true },
        family_id: { type: Sequelize.STRING(32), allowNull: false },
        parent_id: { type: Sequelize.STRING(32), allowNull: true },
        user_id: {
          type: Sequelize.INTEGER.UNSIGNED,
          allowNull: false,
          references: { model: 'users', key: 'id' },
          onDelete: 'CASCADE',
          onUpdate: 'CASCADE',
        },
        // SHA-256 of the refresh token's secret part; the raw token is never stored.
        refresh_token_hash: { type: Sequelize.CHAR(64), allowNull: false },
        created_at: { type: Sequelize.DATE(3), allowNull: false },
        last_used_at: { type: Sequelize.DATE(3), allowNull: true },
        expires_at: { type: Sequelize.DATE, allowNull: false },
        // The session's absolute end, copied from parent to child: rotation cannot extend it.
        absolute_expires_at: { type: Sequelize.DATE, allowNull: false },
        revoked_at: { type: Sequelize.DATE(3), allowNull: true },
        reason: { type: Sequelize.STRING(32), allowNull: true },
        ip: { type: Sequelize.STRING(45), allowNull: true },
        user_agent: { type: Sequelize.STRING(255), allowNull: true },
      },
      { charset: 'utf8mb4', collate: 'utf8mb4_bin' },
    );
    await queryInterface.addIndex('sessions', ['family_id', 'revoked_at'], { name: 'sessions_family_live' });
    await queryInterface.addIndex('sessions', ['user_id', 'revoked_at'], { name: 'sessions_user_live' });
    await queryInterface.addIndex('sessions', ['expires_at'], { name: 'sessions_expires_at' });
  },

  async down(queryInterface) {
    await queryInterface.dropTable('sessions');
    await queryInterface.removeColumn('users', 'token_version');
  },
};
