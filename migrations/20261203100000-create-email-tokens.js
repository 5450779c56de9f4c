'use strict';

// Single-use tokens this server mails to its own users: a password reset, or the proof that an
// email address is theirs. Only the SHA-256 of a token is stored: a copy of this table resets nobody.
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.createTable(
      'email_tokens',
      {
        // SHA-256 of the token (hex).
        token_hash: { type: Sequelize.CHAR(64), primaryKey: true },
        purpose: { type: Sequelize.STRING(16), allowNull: false },
        user_id: {
          type: Sequelize.INTEGER.UNSIGNED,
          allowNull: false,
          references: { model: 'users', key: 'id' },
          onDelete: 'CASCADE',
          onUpdate: 'CASCADE',
        },
        expires_at: { type: Sequelize.DATE(3), allowNull: false },
        used_at: { type: Sequelize.DATE(3), allowNull: true },
        created_at: { type: Sequelize.DATE(3), allowNull: false },
      },
      { charset: 'ascii', collate: 'ascii_bin' },
    );
    await queryInterface.addIndex('email_tokens', ['user_id'], { name: 'email_tokens_user' });
    await queryInterface.addIndex('email_tokens', ['expires_at'], { name: 'email_tokens_expires' });
  },

  async down(queryInterface) {
    await queryInterface.dropTable('email_tokens');
  },
};
