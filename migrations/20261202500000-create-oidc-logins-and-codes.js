'use strict';

// OpenID Connect sign-in keeps two kinds of short-lived rows. `oidc_logins`: one per sign-in started
// at GET /auth/oidc/:provider/login, keyed by the SHA-256 of the random value in the browser's binding
// cookie; the callback deletes it (single use). `oidc_codes`: the one-time code the callback hands
// the front end, stored as its SHA-256, deleted by POST /auth/oidc/exchange.
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.createTable(
      'oidc_logins',
      {
        id_hash: { type: Sequelize.CHAR(43), primaryKey: true },
        provider: { type: Sequelize.STRING(64), allowNull: false },
        state: { type: Sequelize.STRING(64), allowNull: false },
        nonce: { type: Sequelize.STRING(64), allowNull: false },
        // The PKCE verifier must be sent to the provider as is, so it cannot be stored hashed; it is
        // useless without the provider's code, which only the browser holding the cookie receives.
        code_verifier: { type: Sequelize.STRING(128), allowNull: false },
        redirect_to: { type: Sequelize.STRING(2048), allowNull: false },
        expires_at: { type: Sequelize.DATE(3), allowNull: false },
        created_at: { type: Sequelize.DATE(3), allowNull: false },
      },
      { charset: 'utf8mb4', collate: 'utf8mb4_bin' },
    );
    await queryInterface.addIndex('oidc_logins', ['expires_at'], { name: 'oidc_logins_expires_at' });
    await queryInterface.createTable(
      'oidc_codes',
      {
        code_hash: { type: Sequelize.CHAR(43), primaryKey: true },
        user_id: {
          type: Sequelize.INTEGER.UNSIGNED,
          allowNull: false,
          references: { model: 'users', key: 'id' },
          // A deleted user's pending code goes with them: it can no longer start a session.
          onDelete: 'CASCADE',
          onUpdate: 'CASCADE',
        },
        expires_at: { type: Sequelize.DATE(3), allowNull: false },
        created_at: { type: Sequelize.DATE(3), allowNull: false },
      },
      { charset: 'utf8mb4', collate: 'utf8mb4_bin' },
    );
    await queryInterface.addIndex('oidc_codes', ['expires_at'], { name: 'oidc_codes_expires_at' });
  },

  async down(queryInterface) {
    await queryInterface.dropTable('oidc_codes');
    await queryInterface.dropTable('oidc_logins');
  },
};
