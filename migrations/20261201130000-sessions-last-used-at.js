'use strict';

// `last_used_at` moves to the row the session list reads: each refresh-token row now records when
// its session was last used, that is when this row was issued (by the login or by the refresh that
// retired its parent). Before, only a retired row held the time it was exchanged, and the list
// showed the live row's `created_at`. Setting every row to its `created_at` keeps exactly what the
// list showed for every existing session.
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.sequelize.query('UPDATE sessions SET last_used_at = created_at');
    await queryInterface.changeColumn('sessions', 'last_used_at', { type: Sequelize.DATE(3), allowNull: false });
  },

  async down(queryInterface, Sequelize) {
    await queryInterface.changeColumn('sessions', 'last_used_at', { type: Sequelize.DATE(3), allowNull: true });
    // The old meaning: set on a row when it was exchanged for its child, which is when it was retired.
    await queryInterface.sequelize.query(
      "UPDATE sessions SET last_used_at = CASE WHEN reason = 'rotated' THEN revoked_at ELSE NULL END",
    );
  },
};
