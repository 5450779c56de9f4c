'use strict';

// The store of rate-limiter-flexible's RateLimiterMySQL, created here (tableCreated: true) so the
// schema lives only in migrations. Its INSERT names no columns: keep exactly these, in this order.
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.createTable(
      'rate_limits',
      {
        // "<rule>:<client IP or account hash>"; never an email in clear, only its SHA-256
        // (which a guessed email still matches: pseudonymous, not anonymous).
        key: { type: Sequelize.STRING(255), primaryKey: true },
        points: { type: Sequelize.INTEGER, allowNull: false, defaultValue: 0 },
        // Epoch milliseconds when the window of this key ends.
        expire: { type: Sequelize.BIGINT.UNSIGNED, allowNull: true },
      },
      // Binary collation: keys are compared byte for byte, never case-folded.
      { charset: 'ascii', collate: 'ascii_bin' },
    );
    await queryInterface.addIndex('rate_limits', ['expire'], { name: 'rate_limits_expire' });
  },

  async down(queryInterface) {
    await queryInterface.dropTable('rate_limits');
  },
};
