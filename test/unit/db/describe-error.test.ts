import { expect } from 'chai';
import { ConnectionError, DatabaseError } from 'sequelize';
import { parseDatabaseUrl } from '../../../src/config';
import { describeDatabaseError, isDatabaseError } from '../../../src/db/describe-error';

describe('isDatabaseError', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED', fatal: true });
  const denied = Object.assign(new Error('Access denied'), { code: 'ER_ACCESS_DENIED_ERROR', sqlState: '28000' });

  it('is true for Sequelize and mysql2 errors, also as the cause of another error', () => {
    expect(isDatabaseError(new ConnectionError(refused))).to.equal(true);
    expect(isDatabaseError(new DatabaseError(Object.assign(denied, { sql: 'SELECT 1', parameters: {} })))).to.equal(
      true,
    );
    expect(isDatabaseError(refused)).to.equal(true);
    expect(isDatabaseError(new Error('Migration failed', { cause: denied }))).to.equal(true);
  });

  it('is false for a listen failure, a bug or a non-error', () => {
    const inUse = Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE', syscall: 'listen' });
    expect(isDatabaseError(inUse)).to.equal(false);
    expect(isDatabaseError(new TypeError('x is undefined'))).to.equal(false);
    expect(isDatabaseError('text')).to.equal(false);
    expect(isDatabaseError(null)).to.equal(false);
  });
});

describe('describeDatabaseError', () => {
  const database = parseDatabaseUrl('mysql://auth@db.internal:3307/auth');
  const plain = { database, databaseTls: null };
  const tls = { database, databaseTls: { ca: null, checkHostname: true, client: null } };
  const mysql2Error = (code: string, message: string) => Object.assign(new Error(message), { code, fatal: true });

  it('names the server and account, the cause in words and the code, on one line', () => {
    const refused = new ConnectionError(mysql2Error('ECONNREFUSED', 'connect ECONNREFUSED\n    at stack'));
    expect(describeDatabaseError(refused, plain)).to.equal(
      'MySQL at db.internal:3307 (user auth, database auth): nothing is listening there [ECONNREFUSED]',
    );
  });

  it('says what to set when TLS fails: no TLS offered, a certificate refused, or TLS required of a plain connection', () => {
    const noTls = mysql2Error('HANDSHAKE_NO_SSL_SUPPORT', 'Server does not support secure connection');
    expect(describeDatabaseError(noTls, tls)).to.include('the server offers no TLS').and.include('DATABASE_TLS=off');
    const refused = mysql2Error('HANDSHAKE_SSL_ERROR', 'self-signed certificate in certificate chain');
    expect(describeDatabaseError(refused, tls)).to.include(
      'its TLS certificate was refused (self-signed certificate in certificate chain); DATABASE_TLS_CA names the CA',
    );
    const denied = Object.assign(new Error('Access denied'), { code: 'ER_ACCESS_DENIED_ERROR', sqlState: '28000' });
    expect(describeDatabaseError(denied, plain)).to.include('or the server requires TLS (DATABASE_TLS=on)');
    expect(describeDatabaseError(denied, tls)).to.include('access denied for this user and password [');
  });

  it('falls back to the first line of the message for a code it has no words for', () => {
    const odd = mysql2Error('PROTOCOL_SEQUENCE_TIMEOUT', 'Timeout\nmore');
    expect(describeDatabaseError(odd, plain)).to.equal(
      'MySQL at db.internal:3307 (user auth, database auth): Timeout [PROTOCOL_SEQUENCE_TIMEOUT]',
    );
  });
});
