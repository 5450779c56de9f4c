'use strict';

// Asymmetric signing keys (RS256/ES256). The private key is stored only encrypted (AES-256-GCM under
// KEY_ENCRYPTION_KEY); the public JWK is what /.well-known/jwks.json publishes. A retired key verifies
// nothing any more: a token whose kid names it is refused.
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.createTable(
      'signing_keys',
      {
        kid: { type: Sequelize.STRING(64), primaryKey: true },
        algorithm: { type: Sequelize.STRING(8), allowNull: false },
        public_jwk: { type: Sequelize.TEXT, allowNull: false },
        private_key_encrypted: { type: Sequelize.TEXT, allowNull: false },
        created_at: { type: Sequelize.DATE(3), allowNull: false },
        activated_at: { type: Sequelize.DATE(3), allowNull: false },
        retired_at: { type: Sequelize.DATE(3), allowNull: true },
      },
      // Binary collation: a kid is compared byte for byte, "aB" never matches "Ab".
      { charset: 'utf8mb4', collate: 'utf8mb4_bin' },
    );
    await queryInterface.addIndex('signing_keys', ['retired_at', 'activated_at'], {
      name: 'signing_keys_retired_at_activated_at',
    });
  },

  async down(queryInterface) {
    await queryInterface.dropTable('signing_keys');
  },
};
