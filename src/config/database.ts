import Joi from 'joi';
import { withDefault, type ValuesOf } from './declare';
import type { ENVIRONMENT_KEYS } from './environment';

export interface DatabaseLocation {
  host: string;
  port: number;
  user: string;
  database: string;
}

export interface DatabaseSettings {
  databaseUrl: string;
  database: DatabaseLocation;
  /** Bounds on every wait for MySQL, so that an outage is a quick 503, never a hung request. */
  databasePool: {
    maxConnections: number;
    /** TCP connect plus MySQL handshake of a new connection. */
    connectTimeoutMs: number;
    /** Waiting for a pooled connection, including opening one. */
    acquireTimeoutMs: number;
    /** One query, from send to last row: covers a server that stops answering on an open socket. */
    queryTimeoutMs: number;
  };
}

const mysqlUrl = Joi.string()
  .uri({ scheme: ['mysql'] })
  .pattern(/^mysql:\/\/[^/]+\/[A-Za-z0-9_$]{1,64}$/, 'mysql://user[:password]@host[:port]/database')
  .messages({ 'string.pattern.name': '{{#label}} must look like {{#name}}' });

/** A bound on one wait for MySQL, in milliseconds: at least 100, so it can never turn the bound off. */
const waitMs = (maximum: number): Joi.NumberSchema => Joi.number().integer().min(100).max(maximum).unit('milliseconds');

export const DATABASE_KEYS = {
  DATABASE_URL: withDefault(
    mysqlUrl.description('MySQL 8 / MariaDB 10.6+ database the server uses (created by `node app --create`).'),
    'mysql://root@127.0.0.1:3306/auth_dev',
  ),
  TEST_DATABASE_URL: withDefault(
    mysqlUrl.description('Database the tests use instead (NODE_ENV=test); the test run migrates it from scratch.'),
    'mysql://root@127.0.0.1:3306/auth_test',
  ),
  DB_POOL_MAX: withDefault(
    Joi.number()
      .integer()
      .min(1)
      .max(1000)
      .unit('connections')
      .description(
        "Most MySQL connections in each of a process's two pools (refreshes and rate-limit counters have one of their own): up to twice this in all.",
      ),
    10,
  ),
  DB_CONNECT_TIMEOUT_MS: withDefault(
    waitMs(60_000).description('Longest wait to open a MySQL connection (TCP + handshake) before answering 503.'),
    2000,
  ),
  DB_ACQUIRE_TIMEOUT_MS: withDefault(
    waitMs(60_000).description('Longest wait for a free pooled connection, opening included, before answering 503.'),
    3000,
  ),
  DB_QUERY_TIMEOUT_MS: withDefault(
    waitMs(600_000).description(
      'Longest wait for one query of the server (not of --create/--drop migrations) before answering 503.',
    ),
    5000,
  ),
};

/** Splits a validated mysql:// URL into the parts error messages and `CREATE DATABASE` need. */
export function parseDatabaseUrl(databaseUrl: string): DatabaseLocation {
  const url = new URL(databaseUrl);
  return {
    host: url.hostname,
    port: url.port === '' ? 3306 : Number(url.port),
    user: decodeURIComponent(url.username),
    database: url.pathname.slice(1),
  };
}

export function databaseSettings(
  raw: ValuesOf<typeof DATABASE_KEYS & typeof ENVIRONMENT_KEYS>,
): Readonly<DatabaseSettings> {
  const databaseUrl = raw.NODE_ENV === 'test' ? raw.TEST_DATABASE_URL : raw.DATABASE_URL;
  return {
    databaseUrl,
    database: parseDatabaseUrl(databaseUrl),
    databasePool: Object.freeze({
      maxConnections: raw.DB_POOL_MAX,
      connectTimeoutMs: raw.DB_CONNECT_TIMEOUT_MS,
      acquireTimeoutMs: raw.DB_ACQUIRE_TIMEOUT_MS,
      queryTimeoutMs: raw.DB_QUERY_TIMEOUT_MS,
    }),
  };
}
