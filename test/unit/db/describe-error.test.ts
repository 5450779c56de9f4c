import { expect } from 'chai';
import { ConnectionError, DatabaseError } from 'sequelize';
import { isDatabaseError } from '../../../src/db/describe-error';

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
