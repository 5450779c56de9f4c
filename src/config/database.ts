import { isIP } from 'node:net';
import Joi from 'joi';
import { ConfigError, optional, readableFromFile, withDefault, type ValuesOf } from './declare';
import { clientCertificate, pemCertificates, pemPrivateKey, type ClientCertificate } from './files';
import type { ENVIRONMENT_KEYS } from './environment';

export interface DatabaseLocation {
  host: string;
  port: number;
  user: string;
  database: string;
}

/** How connections to MySQL are encrypted; every one is checked against a trusted CA. */
export interface DatabaseTls {
  /** PEM certificates of the CAs to trust instead of the system's; null: the system's. */
  ca: string | null;
  /** Whether the certificate must name DATABASE_URL's host: not for an IP address (see databaseTls). */
  checkHostname: boolean;
  /** A certificate and key to show MySQL, for an account that requires one (REQUIRE X509); null: none. */
  client: ClientCertificate | null;
}

export interface DatabaseSettings {
  databaseUrl: string;
  database: DatabaseLocation;
  /** null: plain TCP (a loopback host, or DATABASE_TLS=off). */
  databaseTls: Readonly<DatabaseTls> | null;
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

/** The TLS files mean nothing in plain TCP: refused there rather than ignored. */
const tlsOnly = {
  is: 'off',
  then: Joi.forbidden().messages({ 'any.unknown': '{{#label}} is not allowed with DATABASE_TLS=off' }),
};

/** A bound on one wait for MySQL, in milliseconds: at least 100, so it can never turn the bound off. */
const waitMs = (maximum: number): Joi.NumberSchema => Joi.number().integer().min(100).max(maximum).unit('milliseconds');

export const DATABASE_KEYS = {
  // Its password is a secret, so it may come from a file like one.
  DATABASE_URL: readableFromFile(
    withDefault(
      mysqlUrl.description('MySQL 8 / MariaDB 10.6+ database the server uses (created by `node app --create`).'),
      'mysql://root@127.0.0.1:3306/auth_dev',
    ),
  ),
  TEST_DATABASE_URL: withDefault(
    mysqlUrl.description('Database the tests use instead (NODE_ENV=test); the test run migrates it from scratch.'),
    'mysql://root@127.0.0.1:3306/auth_test',
  ),
  DATABASE_TLS: optional(
    Joi.string<'on' | 'off'>()
      .valid('on', 'off')
      .description(
        "TLS to MySQL, the server's certificate checked against a trusted CA and its name against DATABASE_URL's host; " +
          'unset: on, unless that host is loopback (localhost, 127.0.0.1, ::1) and DATABASE_TLS_CA is unset.',
      ),
  ),
  DATABASE_TLS_CA: optional(
    pemCertificates
      .when('DATABASE_TLS', tlsOnly)
      .description(
        "Path of a PEM file of the CA certificates MySQL's certificate must chain to, instead of the system's " +
          "(a private CA, a cloud provider's bundle); required when DATABASE_URL's host is an IP address.",
      ),
  ),
  DATABASE_TLS_CERT: optional(
    pemCertificates
      .when('DATABASE_TLS', tlsOnly)
      .description(
        'Path of a PEM client certificate to show MySQL, for an account that requires one (REQUIRE X509); ' +
          'with DATABASE_TLS_KEY.',
      ),
  ),
  DATABASE_TLS_KEY: optional(
    pemPrivateKey.when('DATABASE_TLS', tlsOnly).description('Path of the PEM private key of DATABASE_TLS_CERT.'),
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

/** The host as an address or a name, without the brackets a URL puts around an IPv6 address. */
const bareHost = (host: string): string => host.replace(/^\[(.*)\]$/, '$1');

/** True for a host that cannot be reached over a network: its traffic never leaves the machine. */
function isLoopback(host: string): boolean {
  const bare = bareHost(host).toLowerCase();
  return bare === 'localhost' || bare === '::1' || (isIP(bare) === 4 && bare.startsWith('127.'));
}

/**
 * TLS by default to any host that is not loopback: the connection carries password hashes, refresh
 * token hashes and the blocklist, and a network between server and MySQL must not read or change them.
 */
function databaseTls(location: DatabaseLocation, raw: ValuesOf<typeof DATABASE_KEYS>): Readonly<DatabaseTls> | null {
  const files = [raw.DATABASE_TLS_CA, raw.DATABASE_TLS_CERT, raw.DATABASE_TLS_KEY];
  const on =
    raw.DATABASE_TLS === undefined
      ? !isLoopback(location.host) || files.some((file) => file !== undefined)
      : raw.DATABASE_TLS === 'on';
  if (!on) return null;
  const ca = raw.DATABASE_TLS_CA ?? null;
  const client = clientCertificate(
    { name: 'DATABASE_TLS_CERT', pem: raw.DATABASE_TLS_CERT },
    { name: 'DATABASE_TLS_KEY', pem: raw.DATABASE_TLS_KEY },
  );
  // mysql2 sends no server name for an IP address and checks the certificate against "localhost"
  // instead, so an address cannot be checked: only a CA of the operator's own makes its certificate mean anything.
  const byAddress = isIP(bareHost(location.host)) !== 0;
  if (byAddress && ca === null) {
    throw new ConfigError(
      `invalid configuration: DATABASE_TLS_CA is required for TLS to an IP address (${location.host}): ` +
        "the certificate's name cannot be checked against an address, so only your own CA can vouch for it; " +
        'or use the host name the certificate names',
    );
  }
  return Object.freeze({ ca, checkHostname: !byAddress, client });
}

export function databaseSettings(
  raw: ValuesOf<typeof DATABASE_KEYS & typeof ENVIRONMENT_KEYS>,
): Readonly<DatabaseSettings> {
  const databaseUrl = raw.NODE_ENV === 'test' ? raw.TEST_DATABASE_URL : raw.DATABASE_URL;
  const database = parseDatabaseUrl(databaseUrl);
  return {
    databaseUrl,
    database,
    databaseTls: databaseTls(database, raw),
    databasePool: Object.freeze({
      maxConnections: raw.DB_POOL_MAX,
      connectTimeoutMs: raw.DB_CONNECT_TIMEOUT_MS,
      acquireTimeoutMs: raw.DB_ACQUIRE_TIMEOUT_MS,
      queryTimeoutMs: raw.DB_QUERY_TIMEOUT_MS,
    }),
  };
}
