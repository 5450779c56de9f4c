'use strict';

module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.createTable(
      'users',
      {
        id: { type: Sequelize.INTEGER.UNSIGNED, autoIncrement: true, primaryKey: true },
        // Stored trimmed and lower-cased by the application; 254 is the longest valid address.
        email: { type: Sequelize.STRING(254), allowNull: false, unique: true },
        password_hash: { type: Sequelize.STRING(60), allowNull: false },
        name: { type: Sequelize.STRING(100), allowNull: false },
        role: {
          type: Sequelize.ENUM('user', 'moderator', 'admin'),
          allowNull: false,
          defaultValue: 'user',
        },
        created_at: { type: Sequelize.DATE(3), allowNull: false },
        updated_at: { type: Sequelize.DATE(3), allowNull: false },
      },
      { charset: 'utf8mb4', collate: 'utf8mb4_unicode_ci' },
    );
  },

  async down(queryInterface) {
    await queryInterface.dropTable('users');
  },
};
