import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { ConfigError, loadConfig } from '../../../src/config';
import { mysqlSsl } from '../../../src/db/database';
import { createTestCa } from '../../support/certificates';

const CERTIFICATE = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('TLS settings', () => {
  /** A folder of this file's own, with a CA file every describe below may name (createTestCa writes ca.pem beside it). */
  let folder: string;
  let caFile: string;
  /** Two client certificates of one CA, each with its key. */
  let app: { certFile: string; keyFile: string };
  let other: { certFile: string; keyFile: string };

  before(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'auth-tls-config-'));
    caFile = path.join(folder, 'bundle.pem');
    await writeFile(caFile, CERTIFICATE);
    const ca = await createTestCa(folder);
    app = await ca.issueClient('app');
    other = await ca.issueClient('other');
  });

  after(() => rm(folder, { recursive: true, force: true }));

  describe('DATABASE_TLS and DATABASE_TLS_CA', () => {
    const tlsOf = (env: Record<string, string>) => loadConfig(env).databaseTls;
    const at = (host: string) => `mysql://auth@${host}:3306/auth`;

    it('is off by default only for a loopback host, whose traffic never leaves the machine', () => {
      for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', 'LOCALHOST', '[::1]']) {
        expect(tlsOf({ DATABASE_URL: at(host) }), host).to.equal(null);
      }
    });

    it('is on by default for any other host, the certificate checked against the system CAs and the name', () => {
      for (const host of ['db.internal', 'mysql.example.com', 'localhost.example.com', '127.example.com']) {
        expect(tlsOf({ DATABASE_URL: at(host) }), host).to.deep.equal({ ca: null, checkHostname: true, client: null });
      }
    });

    it('is on for a loopback host given DATABASE_TLS=on or a CA, and off anywhere given DATABASE_TLS=off', () => {
      expect(tlsOf({ DATABASE_URL: at('localhost'), DATABASE_TLS: 'on' })).to.deep.equal({
        ca: null,
        checkHostname: true,
        client: null,
      });
      expect(tlsOf({ DATABASE_URL: at('localhost'), DATABASE_TLS_CA: caFile })).to.deep.equal({
        ca: CERTIFICATE,
        checkHostname: true,
        client: null,
      });
      expect(tlsOf({ DATABASE_URL: at('db.internal'), DATABASE_TLS: 'off' })).to.equal(null);
    });

    it('follows the URL in use: TEST_DATABASE_URL under NODE_ENV=test', () => {
      const env = { DATABASE_URL: at('db.internal'), TEST_DATABASE_URL: at('127.0.0.1') };
      expect(tlsOf({ ...env, NODE_ENV: 'test' })).to.equal(null);
      expect(tlsOf({ ...env, NODE_ENV: 'development' })).to.deep.equal({ ca: null, checkHostname: true, client: null });
    });

    it('requires a CA of your own for an IP address, whose name mysql2 cannot check, and then checks the CA alone', () => {
      for (const host of ['10.0.0.5', '[2001:db8::5]', '127.0.0.1']) {
        const env = { DATABASE_URL: at(host), DATABASE_TLS: 'on' };
        expect(() => loadConfig(env), host).to.throw(
          ConfigError,
          'DATABASE_TLS_CA is required for TLS to an IP address',
        );
        expect(tlsOf({ ...env, DATABASE_TLS_CA: caFile }), host).to.deep.equal({
          ca: CERTIFICATE,
          checkHostname: false,
          client: null,
        });
      }
    });

    it('refuses a CA file that is missing or holds no certificate, a CA with TLS off, and any other value', async () => {
      const key = path.join(folder, 'key.pem');
      await writeFile(key, '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n');
      const refusals: Array<[Record<string, string>, string]> = [
        [{ DATABASE_TLS_CA: path.join(folder, 'missing.pem') }, 'DATABASE_TLS_CA cannot be read (ENOENT)'],
        [{ DATABASE_TLS_CA: folder }, 'DATABASE_TLS_CA cannot be read (EISDIR)'],
        [{ DATABASE_TLS_CA: key }, 'DATABASE_TLS_CA holds no PEM certificate'],
        [{ DATABASE_TLS_CA: caFile, DATABASE_TLS: 'off' }, 'DATABASE_TLS_CA is not allowed with DATABASE_TLS=off'],
        [{ DATABASE_TLS: 'require' }, 'DATABASE_TLS must be one of [on, off]'],
        [{ DATABASE_TLS: 'true' }, 'DATABASE_TLS must be one of [on, off]'],
      ];
      for (const [env, message] of refusals) {
        expect(() => loadConfig({ DATABASE_URL: at('db.internal'), ...env }), message).to.throw(ConfigError, message);
      }
    });

    it('hands mysql2 options that always verify the certificate, and the name unless told it cannot', () => {
      expect(mysqlSsl(null)).to.equal(undefined);
      expect(mysqlSsl({ ca: null, checkHostname: true, client: null })).to.deep.equal({
        rejectUnauthorized: true,
        verifyIdentity: true,
      });
      expect(mysqlSsl({ ca: CERTIFICATE, checkHostname: false, client: null })).to.deep.equal({
        ca: CERTIFICATE,
        rejectUnauthorized: true,
        verifyIdentity: false,
      });
    });
  });

  describe('DATABASE_TLS_CERT and DATABASE_TLS_KEY', () => {
    const remote = 'mysql://auth@db.internal/auth';

    it('shows MySQL the certificate and key, and turns TLS on for a loopback host too', () => {
      const files = { DATABASE_TLS_CERT: app.certFile, DATABASE_TLS_KEY: app.keyFile };
      const client = { cert: readFileSync(app.certFile, 'utf8'), key: readFileSync(app.keyFile, 'utf8') };
      expect(loadConfig({ DATABASE_URL: remote, ...files }).databaseTls?.client).to.deep.equal(client);
      const local = loadConfig({ DATABASE_URL: 'mysql://auth@localhost/auth', ...files }).databaseTls;
      expect(local).to.deep.equal({ ca: null, checkHostname: true, client });
      expect(mysqlSsl(local)).to.deep.include({ cert: client.cert, key: client.key, rejectUnauthorized: true });
    });

    it('refuses one without the other, a key of another certificate, a file that is no key, and TLS off', async () => {
      const broken = path.join(folder, 'broken.key');
      await writeFile(broken, '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n');
      const refusals: Array<[Record<string, string>, string]> = [
        [{ DATABASE_TLS_CERT: app.certFile }, 'DATABASE_TLS_CERT and DATABASE_TLS_KEY go together'],
        [{ DATABASE_TLS_KEY: app.keyFile }, 'DATABASE_TLS_CERT and DATABASE_TLS_KEY go together'],
        [{ DATABASE_TLS_CERT: app.certFile, DATABASE_TLS_KEY: other.keyFile }, 'DATABASE_TLS_KEY is not the key of'],
        [
          { DATABASE_TLS_CERT: app.certFile, DATABASE_TLS_KEY: app.certFile },
          'DATABASE_TLS_KEY holds no PEM private key',
        ],
        [
          { DATABASE_TLS_CERT: app.keyFile, DATABASE_TLS_KEY: app.keyFile },
          'DATABASE_TLS_CERT holds no PEM certificate',
        ],
        [{ DATABASE_TLS_CERT: app.certFile, DATABASE_TLS_KEY: broken }, 'cannot be read as PEM'],
        [
          { DATABASE_TLS: 'off', DATABASE_TLS_CERT: app.certFile, DATABASE_TLS_KEY: app.keyFile },
          'DATABASE_TLS_CERT is not allowed with DATABASE_TLS=off',
        ],
      ];
      for (const [env, message] of refusals) {
        expect(() => loadConfig({ DATABASE_URL: remote, ...env }), message).to.throw(ConfigError, message);
      }
    });
  });

  describe('REDIS_TLS_CA', () => {
    it('is read with a rediss:// URL; without it, the system CAs are trusted', () => {
      const url = 'rediss://cache.internal:6380';
      expect(loadConfig({ REDIS_URL: url, REDIS_TLS_CA: caFile }).redis?.tlsCa).to.equal(CERTIFICATE);
      expect(loadConfig({ REDIS_URL: url }).redis?.tlsCa).to.equal(null);
    });

    it('is refused with a plain redis:// URL or none, where it would be ignored and the connection stay in clear', () => {
      for (const env of [{ REDIS_URL: 'redis://cache.internal:6379' }, {}]) {
        expect(() => loadConfig({ ...env, REDIS_TLS_CA: caFile })).to.throw(
          ConfigError,
          'REDIS_TLS_CA needs a rediss:// REDIS_URL',
        );
      }
      expect(() => loadConfig({ REDIS_URL: 'rediss://cache.internal', REDIS_TLS_CA: folder })).to.throw(
        ConfigError,
        'REDIS_TLS_CA cannot be read (EISDIR)',
      );
    });
  });

  describe('REDIS_TLS_CERT and REDIS_TLS_KEY', () => {
    it('are read together with a rediss:// URL, to show a Redis that asks for a client certificate', () => {
      const files = { REDIS_TLS_CERT: app.certFile, REDIS_TLS_KEY: app.keyFile };
      expect(loadConfig({ REDIS_URL: 'rediss://cache.internal', ...files }).redis?.tlsClient).to.deep.equal({
        cert: readFileSync(app.certFile, 'utf8'),
        key: readFileSync(app.keyFile, 'utf8'),
      });
      expect(loadConfig({ REDIS_URL: 'rediss://cache.internal' }).redis?.tlsClient).to.equal(null);
    });

    it('are refused one without the other, with a key of another certificate, and without rediss://', () => {
      const refusals: Array<[Record<string, string>, string]> = [
        [{ REDIS_TLS_CERT: app.certFile }, 'REDIS_TLS_CERT and REDIS_TLS_KEY go together'],
        [{ REDIS_TLS_CERT: app.certFile, REDIS_TLS_KEY: other.keyFile }, 'REDIS_TLS_KEY is not the key of'],
        [
          { REDIS_URL: 'redis://cache.internal', REDIS_TLS_CERT: app.certFile, REDIS_TLS_KEY: app.keyFile },
          'REDIS_TLS_CERT needs a rediss:// REDIS_URL',
        ],
        [{ REDIS_URL: '', REDIS_TLS_KEY: app.keyFile }, 'REDIS_TLS_KEY needs a rediss:// REDIS_URL'],
      ];
      for (const [env, message] of refusals) {
        expect(() => loadConfig({ REDIS_URL: 'rediss://cache.internal', ...env }), message).to.throw(
          ConfigError,
          message,
        );
      }
    });
  });
});
