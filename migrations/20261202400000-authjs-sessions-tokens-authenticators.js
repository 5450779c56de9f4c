'use strict';

// The tables an Auth.js app keeps in this server through the /adapter routes, beside `users` and
// `accounts`: its database sessions, its email sign-in (verification) tokens, and its passkeys.
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.createTable(
      'authjs_sessions',
      {
        // SHA-256 of the session token (hex): a copy of this table lets no one into the app.
        session_token_hash: { type: Sequelize.CHAR(64), primaryKey: true },
        user_id: {
          type: Sequelize.INTEGER.UNSIGNED,
          allowNull: false,
          references: { model: 'users', key: 'id' },
          onDelete: 'CASCADE',
          onUpdate: 'CASCADE',
        },
        expires: { type: Sequelize.DATE(3), allowNull: false },
        created_at: { type: Sequelize.DATE(3), allowNull: false },
        updated_at: { type: Sequelize.DATE(3), allowNull: false },
      },
      { charset: 'ascii', collate: 'ascii_bin' },
    );
    await queryInterface.addIndex('authjs_sessions', ['user_id'], { name: 'authjs_sessions_user' });
    await queryInterface.addIndex('authjs_sessions', ['expires'], { name: 'authjs_sessions_expires' });

    await queryInterface.createTable(
      'verification_tokens',
      {
        // Usually an email address; binary collation: Auth.js compares it exactly.
        identifier: { type: Sequelize.STRING(255), primaryKey: true },
        // SHA-256 of the token (hex), for the same reason as session tokens.
        token_hash: { type: Sequelize.CHAR(64), primaryKey: true },
        expires: { type: Sequelize.DATE(3), allowNull: false },
      },
      { charset: 'utf8mb4', collate: 'utf8mb4_bin' },
    );
    await queryInterface.addIndex('verification_tokens', ['expires'], { name: 'verification_tokens_expires' });

    await queryInterface.createTable(
      'authenticators',
      {
        // WebAuthn credential ids are base64url: case-sensitive, hence the binary collation.
        credential_id: { type: Sequelize.STRING(512), primaryKey: true },
        user_id: {
          type: Sequelize.INTEGER.UNSIGNED,
          allowNull: false,
          references: { model: 'users', key: 'id' },
          onDelete: 'CASCADE',
          onUpdate: 'CASCADE',
        },
        provider_account_id: { type: Sequelize.STRING(255), allowNull: false },
        // A public key: nothing to hide, and Auth.js needs it back to verify assertions.
        credential_public_key: { type: Sequelize.TEXT, allowNull: false },
        counter: { type: Sequelize.BIGINT.UNSIGNED, allowNull: false },
        credential_device_type: { type: Sequelize.STRING(32), allowNull: false },
        credential_backed_up: { type: Sequelize.BOOLEAN, allowNull: false },
        transports: { type: Sequelize.STRING(255), allowNull: true },
        created_at: { type: Sequelize.DATE(3), allowNull: false },
        updated_at: { type: Sequelize.DATE(3), allowNull: false },
      },
      { charset: 'utf8mb4', collate: 'utf8mb4_bin' },
    );
    await queryInterface.addIndex('authenticators', ['user_id'], { name: 'authenticators_user' });
  },

  async down(queryInterface) {
    await queryInterface.dropTable('authenticators');
    await queryInterface.dropTable('verification_tokens');
    await queryInterface.dropTable('authjs_sessions');
  },
};
