import { expect } from 'chai';
import { JsonWebTokenError, NotBeforeError, TokenExpiredError } from 'jsonwebtoken';
import {
  ConnectionAcquireTimeoutError,
  ConnectionError,
  ConnectionRefusedError,
  DatabaseError,
  UniqueConstraintError,
} from 'sequelize';
import { QUERY_TIMEOUT_CODE } from '../../../src/db/query-watchdog';
import { AppError } from '../../../src/errors/app-error';
import type { ErrorCode } from '../../../src/errors/catalogue';
import { toAppError } from '../../../src/errors/to-app-error';

/** A Sequelize DatabaseError around a mysql2 error shaped like those the outage test observes. */
function mysqlError(message: string, fields: { code?: string; errno?: number; fatal?: boolean }): DatabaseError {
  return new DatabaseError(Object.assign(new Error(message), { sql: 'SELECT 1', ...fields }));
}

function httpError(status: number, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`http ${status}`), { status, ...extra });
}

describe('toAppError', () => {
  const table: Array<[string, unknown, ErrorCode, number]> = [
    ['an expired jsonwebtoken', new TokenExpiredError('jwt expired', new Date()), 'TOKEN_EXPIRED', 401],
    ['a bad jsonwebtoken', new JsonWebTokenError('invalid signature'), 'TOKEN_INVALID', 401],
    ['a not-yet-valid jsonwebtoken', new NotBeforeError('jwt not active', new Date()), 'TOKEN_INVALID', 401],
    ['a lost database connection', new ConnectionError(new Error('gone')), 'SERVICE_UNAVAILABLE', 503],
    [
      'a refused database connection',
      new ConnectionRefusedError(new Error('ECONNREFUSED')),
      'SERVICE_UNAVAILABLE',
      503,
    ],
    [
      'a pool that found no connection in time',
      new ConnectionAcquireTimeoutError(new Error('operation timed out')),
      'SERVICE_UNAVAILABLE',
      503,
    ],
    [
      'a connect timeout',
      new ConnectionError(Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT', fatal: true })),
      'SERVICE_UNAVAILABLE',
      503,
    ],
    [
      'a connection the server closed mid-query',
      mysqlError('Connection lost: The server closed the connection.', {
        code: 'PROTOCOL_CONNECTION_LOST',
        fatal: true,
      }),
      'SERVICE_UNAVAILABLE',
      503,
    ],
    [
      'a connection reset mid-query',
      mysqlError('read ECONNRESET', { code: 'ECONNRESET', errno: -104, fatal: true }),
      'SERVICE_UNAVAILABLE',
      503,
    ],
    [
      'a query cut by the watchdog',
      mysqlError('MySQL did not answer a query within 5000 ms', { code: QUERY_TIMEOUT_CODE, fatal: true }),
      'SERVICE_UNAVAILABLE',
      503,
    ],
    [
      'a query on an already closed connection',
      mysqlError("Can't add new command when connection is in closed state", { fatal: true }),
      'SERVICE_UNAVAILABLE',
      503,
    ],
    [
      'a Galera node outside the primary component',
      mysqlError('WSREP has not yet prepared node for application use', { code: 'ER_UNKNOWN_COM_ERROR', errno: 1047 }),
      'SERVICE_UNAVAILABLE',
      503,
    ],
    [
      'an SQL error',
      mysqlError('You have an error in your SQL syntax', { code: 'ER_PARSE_ERROR' }),
      'INTERNAL_ERROR',
      500,
    ],
    [
      'malformed JSON from co-body',
      Object.assign(new SyntaxError('Unexpected token'), { status: 400 }),
      'INVALID_JSON',
      400,
    ],
    ['a body over the limit', httpError(413, { type: 'entity.too.large' }), 'PAYLOAD_TOO_LARGE', 413],
    ['an unsupported charset', httpError(415, { type: 'charset.unsupported' }), 'UNSUPPORTED_MEDIA_TYPE', 415],
    ['a router 404', httpError(404), 'NOT_FOUND', 404],
    ['a router 405', httpError(405), 'METHOD_NOT_ALLOWED', 405],
    ['an aborted request', httpError(400, { type: 'request.aborted' }), 'BAD_REQUEST', 400],
    ['another 4xx', httpError(418), 'BAD_REQUEST', 400],
    [
      'a zlib failure',
      Object.assign(new Error('incorrect header check'), { code: 'Z_DATA_ERROR' }),
      'BAD_REQUEST',
      400,
    ],
    [
      'a brotli failure',
      Object.assign(new Error('Decompression failed'), { code: 'ERR__ERROR_FORMAT_PADDING_2' }),
      'BAD_REQUEST',
      400,
    ],
    ['a 5xx http error', httpError(502), 'INTERNAL_ERROR', 500],
    ['an unmapped unique violation', new UniqueConstraintError({}), 'INTERNAL_ERROR', 500],
    ['a plain Error', new Error('boom'), 'INTERNAL_ERROR', 500],
    ['a thrown string', 'boom', 'INTERNAL_ERROR', 500],
    ['null', null, 'INTERNAL_ERROR', 500],
  ];

  for (const [label, error, code, status] of table) {
    it(`maps ${label} to ${status} ${code}`, () => {
      const mapped = toAppError(error);
      expect(mapped.code).to.equal(code);
      expect(mapped.status).to.equal(status);
      expect(mapped.expose).to.equal(status < 500);
      expect(mapped.cause).to.equal(error);
    });
  }

  it('returns an AppError unchanged', () => {
    const original = new AppError('EMAIL_TAKEN');
    expect(toAppError(original)).to.equal(original);
  });

  it('never carries a library message into a 5xx', () => {
    expect(toAppError(new Error('SELECT * FROM users')).message).to.equal('Something went wrong on our side.');
  });
});
