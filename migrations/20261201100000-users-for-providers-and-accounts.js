'use strict';

// Users who sign in through a provider (an Auth.js app, an OpenID provider) share the users table
// with those who sign up by password: they may have no password and no name. Their provider links
// live in `accounts`, one row per (provider, account at that provider).
module.exports = {
  async up(queryInterface, Sequelize) {
    // Null: no password; login by password then fails like any wrong password.
    await queryInterface.changeColumn('users', 'password_hash', { type: Sequelize.STRING(60), allowNull: true });
    await queryInterface.changeColumn('users', 'name', { type: Sequelize.STRING(100), allowNull: true });
    // When the address was proven to belong to the user; null while it is not.
    await queryInterface.addColumn('users', 'email_verified', { type: Sequelize.DATE(3), allowNull: true });
    await queryInterface.addColumn('users', 'image', { type: Sequelize.STRING(2048), allowNull: true });
    await queryInterface.createTable(
      'accounts',
      {
        id: { type: Sequelize.INTEGER.UNSIGNED, autoIncrement: true, primaryKey: true },
        user_id: {
          type: Sequelize.INTEGER.UNSIGNED,
          allowNull: false,
          references: { model: 'users', key: 'id' },
          onDelete: 'CASCADE',
          onUpdate: 'CASCADE',
        },
        // Auth.js account types: oauth, oidc, email, webauthn.
        type: { type: Sequelize.STRING(32), allowNull: false },
        provider: { type: Sequelize.STRING(64), allowNull: false },
        provider_account_id: { type: Sequelize.STRING(255), allowNull: false },
        // The provider's own tokens, kept so that the app can call the provider for the user: they
        // are the app's to use, so they cannot be stored hashed.
        refresh_token: { type: Sequelize.TEXT, allowNull: true },
        access_token: { type: Sequelize.TEXT, allowNull: true },
        // Seconds since the epoch, as providers and Auth.js give it.
        expires_at: { type: Sequelize.BIGINT, allowNull: true },
        token_type: { type: Sequelize.STRING(64), allowNull: true },
        scope: { type: Sequelize.TEXT, allowNull: true },
        id_token: { type: Sequelize.TEXT, allowNull: true },
        session_state: { type: Sequelize.STRING(255), allowNull: true },
        // Any further string fields a provider adds, kept as given.
        extra: { type: Sequelize.JSON, allowNull: true },
        created_at: { type: Sequelize.DATE(3), allowNull: false },
        updated_at: { type: Sequelize.DATE(3), allowNull: false },
      },
      // Binary collation: provider account ids are case-sensitive.
      { charset: 'utf8mb4', collate: 'utf8mb4_bin' },
    );
    await queryInterface.addIndex('accounts', ['provider', 'provider_account_id'], {
      name: 'accounts_provider_account',
      unique: true,
    });
    await queryInterface.addIndex('accounts', ['user_id'], { name: 'accounts_user' });
  },

  async down(queryInterface, Sequelize) {
    await queryInterface.dropTable('accounts');
    await queryInterface.removeColumn('users', 'image');
    await queryInterface.removeColumn('users', 'email_verified');
    // Users without a password or a name cannot survive the old schema.
    await queryInterface.bulkDelete('users', { password_hash: null });
    await queryInterface.bulkUpdate('users', { name: '' }, { name: null });
    await queryInterface.changeColumn('users', 'name', { type: Sequelize.STRING(100), allowNull: false });
    await queryInterface.changeColumn('users', 'password_hash', { type: Sequelize.STRING(60), allowNull: false });
  },
};
