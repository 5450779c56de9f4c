import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CONFIG_KEYS, CONFIG_SECTIONS, configKeysFor, ConfigError, loadConfig } from '../../../src/config';
import { renderConfigurationReference, renderEnvExample } from '../../../src/config/config-reference';
import { unknownKeyWarnings } from '../../../src/config/unknown-keys';

describe('<KEY>_FILE: a secret read from a file', () => {
  let folder: string;
  /** Writes `text` to a new file of this test's folder and returns its path. */
  const fileHolding = async (text: string): Promise<string> => {
    const file = path.join(folder, randomBytes(6).toString('hex'));
    await writeFile(file, text, { mode: 0o600 });
    return file;
  };

  before(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'auth-file-keys-'));
  });

  after(() => rm(folder, { recursive: true, force: true }));

  it('reads the value from the file, less the one line break an editor or `echo` adds', async () => {
    const secret = randomBytes(48).toString('base64url');
    for (const ending of ['', '\n', '\r\n']) {
      const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET_FILE: await fileHolding(`${secret}${ending}`) });
      expect(config.jwt.secret?.toString(), JSON.stringify(ending)).to.equal(secret);
    }
  });

  it('validates the value as if it had been set directly, and never puts it in the message', async () => {
    const weak = 'a'.repeat(40);
    const file = await fileHolding(weak);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET_FILE: file }))
      .to.throw(ConfigError, /JWT_SECRET/)
      .and.satisfy((error: Error) => !error.message.includes(weak));
  });

  it('works for every kind of key that allows it: a database URL, a per-provider client secret', async () => {
    const url = 'mysql://auth:s3cret@127.0.0.1:3306/auth_files';
    expect(loadConfig({ DATABASE_URL_FILE: await fileHolding(`${url}\n`) }).databaseUrl).to.equal(url);
    const google = {
      OIDC_PROVIDERS: 'google',
      OIDC_GOOGLE_ISSUER: 'https://accounts.google.com',
      OIDC_GOOGLE_CLIENT_ID: 'client-id',
      OIDC_GOOGLE_CLIENT_SECRET_FILE: await fileHolding('from-a-file\n'),
      PUBLIC_URL: 'https://auth.example.com',
      OIDC_REDIRECT_ALLOWLIST: 'https://app.example.com/signed-in',
    };
    expect(loadConfig(google).oidc.providers[0]?.clientSecret).to.equal('from-a-file');
  });

  it('refuses both the key and its file, an unreadable file and an empty one, naming each at once', () => {
    const secret = randomBytes(48).toString('base64url');
    expect(() =>
      loadConfig({
        JWT_SECRET: secret,
        JWT_SECRET_FILE: path.join(folder, 'no-such-file'),
        WEBHOOK_SECRET_FILE: path.join(folder, 'no-such-file'),
        INTROSPECTION_CLIENTS_FILE: folder,
        REDIS_URL_FILE: '',
        KEY_ENCRYPTION_KEY_FILE: '/dev/null',
      }),
    )
      .to.throw(ConfigError)
      .with.property('message')
      .that.includes('set JWT_SECRET or JWT_SECRET_FILE, not both')
      .and.includes('WEBHOOK_SECRET_FILE cannot be read (ENOENT)')
      .and.includes('INTROSPECTION_CLIENTS_FILE cannot be read (EISDIR)')
      .and.includes('KEY_ENCRYPTION_KEY_FILE names an empty file')
      .and.not.include('REDIS_URL');
  });

  it('is a key of ours only for keys that allow it: others are warned about as unknown', () => {
    const environment = {
      JWT_SECRET_FILE: '/run/secrets/jwt',
      OIDC_PROVIDERS: 'corp',
      OIDC_CORP_CLIENT_SECRET_FILE: 'x',
    };
    expect(configKeysFor(environment)).to.include.members(['JWT_SECRET_FILE', 'OIDC_CORP_CLIENT_SECRET_FILE']);
    expect(unknownKeyWarnings(environment, configKeysFor(environment))).to.deep.equal([]);
    expect(unknownKeyWarnings({ JWT_ALGORITHM_FILE: '/run/algorithm' }, configKeysFor({}))).to.deep.equal([
      'JWT_ALGORITHM_FILE is not a setting of this server and is ignored; JWT_ALGORITHM is not read from a file, set it',
    ]);
  });

  it('never names a key that exists in its own right', () => {
    const fileKeys = configKeysFor({}).filter((key) => !CONFIG_KEYS.includes(key));
    expect(fileKeys).to.include('JWT_SECRET_FILE');
    for (const key of fileKeys) expect(CONFIG_KEYS, key).to.not.include(key);
  });

  it('is documented for every key that allows it, and for every secret', () => {
    const page = renderConfigurationReference();
    const example = renderEnvExample();
    const keys = CONFIG_SECTIONS.flatMap((section) => Object.entries({ ...section.keys, ...section.patternKeys }));
    for (const [name, declaration] of keys) {
      if (declaration.secret) expect(declaration.fromFile, name).to.equal(true);
      if (!declaration.fromFile) continue;
      expect(page, name).to.include(`Or \`${name}_FILE\`: the path of a file holding it.`);
      expect(example, name).to.include(`# or ${name}_FILE=`);
    }
  });
});
