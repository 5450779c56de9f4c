'use strict';

// A mailed token proves access to the address it was mailed to, not to whatever address its user has
// later: each row keeps the SHA-256 of that address, and a token works only while the user still has
// it. Rows from before have none ('') and match no address: links mailed before the upgrade stop working.
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.addColumn('email_tokens', 'email_hash', {
      type: Sequelize.CHAR(64),
      allowNull: false,
      defaultValue: '',
      after: 'user_id',
    });
  },

  async down(queryInterface) {
    await queryInterface.removeColumn('email_tokens', 'email_hash');
  },
};
