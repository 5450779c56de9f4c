'use strict';

// A user an admin or moderator suspended: set while disabled, null otherwise. Every way in (password
// login, refresh, provider sign-in, password reset, a live access token) checks it.
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.addColumn('users', 'disabled_at', { type: Sequelize.DATE(3), allowNull: true });
  },

  async down(queryInterface) {
    await queryInterface.removeColumn('users', 'disabled_at');
  },
};
