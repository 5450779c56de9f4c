'use strict';

// The one-time code of an OpenID sign-in works only with the proof the front end that started the
// sign-in keeps (its code_verifier, RFC 7636 in our own API): a code mailed to someone else's browser
// signs nobody in (login CSRF). Each row keeps the front end's S256 challenge. Rows from before
// have none ('') and match no verifier: sign-ins in flight at the upgrade must start again.
module.exports = {
  async up(queryInterface, Sequelize) {
    for (const table of ['oidc_logins', 'oidc_codes']) {
      await queryInterface.addColumn(table, 'client_challenge', {
        type: Sequelize.CHAR(43),
        allowNull: false,
        defaultValue: '',
      });
    }
  },

  async down(queryInterface) {
    for (const table of ['oidc_codes', 'oidc_logins']) {
      await queryInterface.removeColumn(table, 'client_challenge');
    }
  },
};
