'use strict';

const { randomBytes } = require('node:crypto');
const bcrypt = require('bcrypt');

// Demo accounts for local play. Each gets a fresh random password, printed once when the account
// is created; an account that already exists is left alone. Tests never depend on these rows.
const DEMO_USERS = [
  { email: 'admin@example.com', name: 'Demo Admin', role: 'admin' },
  { email: 'user@example.com', name: 'Demo User', role: 'user' },
];
const BCRYPT_ROUNDS = 12;

module.exports = {
  async up(queryInterface) {
    const existing = await queryInterface.sequelize.query('SELECT email FROM users WHERE email IN (:emails)', {
      replacements: { emails: DEMO_USERS.map((user) => user.email) },
      type: queryInterface.sequelize.QueryTypes.SELECT,
    });
    const taken = new Set(existing.map((row) => row.email));
    const now = new Date();
    for (const user of DEMO_USERS.filter((candidate) => !taken.has(candidate.email))) {
      const password = randomBytes(12).toString('base64url');
      await queryInterface.bulkInsert('users', [
        {
          email: user.email,
          name: user.name,
          role: user.role,
          password_hash: await bcrypt.hash(password, BCRYPT_ROUNDS),
          created_at: now,
          updated_at: now,
        },
      ]);
      console.log(`seeded ${user.role} ${user.email} with password ${password}`);
    }
  },

  async down(queryInterface) {
    await queryInterface.bulkDelete('users', { email: DEMO_USERS.map((user) => user.email) });
  },
};
