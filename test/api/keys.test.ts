import { expect } from 'chai';
import { createHmac, createPublicKey, generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { setTimeout as sleep } from 'node:timers/promises';
import { SigningKey } from '../../src/models';
import { buildOpenApiDocument } from '../../src/openapi/document';
import { createDatabase } from '../../src/repositories';
import { decryptPrivateKey } from '../../src/services/key-material';
import { retireSupersededKeys } from '../../src/services/key-rotation';
import { testSequelize } from '../support/database';
import { api, createUser } from '../support/factories';
import { addTestKey, asymmetricApi, TEST_ISSUER, TEST_KEY_ENCRYPTION_KEY } from '../support/keys';
import { documentedOperations } from '../support/openapi';

type Agent = ReturnType<typeof asymmetricApi>;

async function login(agent: Agent): Promise<string> {
  const { user, password } = await createUser();
  const response = await agent.post('/auth/login').send({ email: user.email, password }).expect(200);
  return response.body.access_token as string;
}

const headerOf = (token: string): jwt.JwtHeader => jwt.decode(token, { complete: true })?.header ?? { alg: 'none' };
const userStatus = async (agent: Agent, token: string) =>
  (await agent.get('/auth/user').set('Authorization', `Bearer ${token}`)).status;

/** Signs `header`.`payload` with HMAC-SHA256 under `secret`: the classic algorithm-confusion forgery. */
function hmacForgery(header: object, payload: object, secret: string | Buffer): string {
  const unsigned = [header, payload].map((part) => Buffer.from(JSON.stringify(part)).toString('base64url')).join('.');
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

describe('asymmetric signing keys', () => {
  for (const algorithm of ['RS256', 'ES256'] as const) {
    describe(`JWT_ALGORITHM=${algorithm}`, () => {
      let agent: Agent;
      before(async () => {
        await addTestKey(algorithm);
        agent = asymmetricApi(algorithm);
      });

      it('signs with the newest key, names it by kid, and verifies its own tokens', async () => {
        const token = await login(agent);
        const header = headerOf(token);
        expect(header.alg).to.equal(algorithm);
        expect(header.kid).to.match(/^[A-Za-z0-9_-]{43}$/);
        expect((jwt.decode(token) as Record<string, unknown>).iss).to.equal(TEST_ISSUER);
        expect(await userStatus(agent, token)).to.equal(200);
      });

      it('publishes the public key (never a private member) in the JWKS, cached no longer than the refresh', async () => {
        const token = await login(agent);
        const response = await agent.get('/.well-known/jwks.json').expect(200);
        expect(response.headers['cache-control']).to.equal('public, max-age=60');
        const keys = response.body.keys as Array<JsonWebKey & { kid: string; alg: string; use: string }>;
        const published = keys.find((key) => key.kid === headerOf(token).kid);
        expect(published).to.include({ alg: algorithm, use: 'sig' });
        for (const key of keys)
          for (const name of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key).not.to.have.property(name);
        // The published key verifies the token: another service needs nothing else.
        const publicKey = createPublicKey({ key: published as JsonWebKey, format: 'jwk' });
        expect(jwt.verify(token, publicKey, { algorithms: [algorithm] })).to.have.property('sub');
      });

      it("publishes openid-configuration with the tokens' issuer and URLs under it", async () => {
        const response = await agent.get('/.well-known/openid-configuration').expect(200);
        expect(response.body).to.include({
          issuer: TEST_ISSUER,
          jwks_uri: `${TEST_ISSUER}/.well-known/jwks.json`,
          introspection_endpoint: `${TEST_ISSUER}/auth/introspect`,
        });
        expect(response.body.id_token_signing_alg_values_supported).to.deep.equal([algorithm]);
      });

      it('stores the private key only encrypted (AES-256-GCM, bound to its kid)', async () => {
        const kid = String(headerOf(await login(agent)).kid);
        const row = await SigningKey.findByPk(kid, { raw: true });
        expect(row?.privateKeyEncrypted).to.match(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
        expect(row?.privateKeyEncrypted).not.to.include('PRIVATE KEY');
        const sealed = row?.privateKeyEncrypted ?? '';
        expect(decryptPrivateKey(sealed, TEST_KEY_ENCRYPTION_KEY, kid).asymmetricKeyType).to.equal(
          algorithm === 'RS256' ? 'rsa' : 'ec',
        );
        expect(() => decryptPrivateKey(sealed, Buffer.alloc(32, 1), kid)).to.throw();
        expect(() => decryptPrivateKey(sealed, TEST_KEY_ENCRYPTION_KEY, 'another-kid')).to.throw();
      });

      it('refuses algorithm confusion, a foreign alg, unknown kids and key URLs with 401 TOKEN_INVALID', async () => {
        const token = await login(agent);
        const { kid } = headerOf(token);
        const claims = jwt.decode(token) as Record<string, unknown>;
        const jwks = (await agent.get('/.well-known/jwks.json')).body.keys as Array<JsonWebKey & { kid: string }>;
        const publicPem = createPublicKey({ key: jwks.find((key) => key.kid === kid) as JsonWebKey, format: 'jwk' })
          .export({ type: 'spki', format: 'pem' })
          .toString();
        const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
        const forgeries: Array<[string, string]> = [
          [
            'HS256 with the public key as the secret',
            hmacForgery({ alg: 'HS256', typ: 'JWT', kid }, claims, publicPem),
          ],
          ['HS256 without kid', hmacForgery({ alg: 'HS256', typ: 'JWT' }, claims, publicPem)],
          ['another algorithm than the key’s', jwt.sign(claims, stranger, { algorithm: 'RS384', keyid: String(kid) })],
          ['an unknown kid', jwt.sign(claims, stranger, { algorithm: 'RS256', keyid: 'no-such-key' })],
          ['no kid', jwt.sign(claims, stranger, { algorithm: 'RS256' })],
          [
            'alg none',
            `${Buffer.from(JSON.stringify({ alg: 'none', kid })).toString('base64url')}.${token.split('.')[1]}.`,
          ],
          [
            'a jku header',
            jwt.sign(claims, stranger, {
              algorithm: 'RS256',
              keyid: String(kid),
              header: { alg: 'RS256', jku: 'http://127.0.0.1:9/k' },
            }),
          ],
          [
            'a jwk header',
            jwt.sign(claims, stranger, {
              algorithm: 'RS256',
              header: { alg: 'RS256', jwk: createPublicKey(stranger).export({ format: 'jwk' }) } as jwt.JwtHeader,
            }),
          ],
          [
            'an x5u header',
            jwt.sign(claims, stranger, {
              algorithm: 'RS256',
              header: { alg: 'RS256', x5u: 'http://x/' },
            }),
          ],
        ];
        for (const [label, forged] of forgeries) {
          const response = await agent.get('/auth/user').set('Authorization', `Bearer ${forged}`);
          expect(response.status, label).to.equal(401);
          expect(response.body.error.code, label).to.equal('TOKEN_INVALID');
        }
      });
    });
  }

  describe('rotation', () => {
    it('signs with a new key within KEYS_REFRESH_SECONDS, keeps the old one during the overlap, refuses it once retired', async () => {
      await addTestKey('ES256');
      const agent = asymmetricApi('ES256', { KEYS_REFRESH_SECONDS: '1' });
      const oldToken = await login(agent);
      const oldKid = headerOf(oldToken).kid;

      const newKid = await addTestKey('ES256');
      await sleep(1100);
      const newToken = await login(agent);
      expect(headerOf(newToken).kid).to.equal(newKid);
      expect(await userStatus(agent, oldToken)).to.equal(200);
      const published = (await agent.get('/.well-known/jwks.json')).body.keys.map((key: { kid: string }) => key.kid);
      expect(published).to.include.members([oldKid, newKid]);

      // Not yet: the overlap (refresh + token lifetime) has not passed since the new key's activation.
      const repository = createDatabase(testSequelize()).signingKeys;
      expect(await retireSupersededKeys(repository, 'ES256', 900)).to.deep.equal([]);
      const retired = await retireSupersededKeys(repository, 'ES256', 0);
      expect(retired).to.include(oldKid);
      expect(retired).not.to.include(newKid);

      await sleep(1100);
      expect(await userStatus(agent, oldToken)).to.equal(401);
      expect(await userStatus(agent, newToken)).to.equal(200);
      const after = (await agent.get('/.well-known/jwks.json')).body.keys.map((key: { kid: string }) => key.kid);
      expect(after).not.to.include(oldKid);
      // A fresh process (another instance) refuses the retired kid too: it is never loaded on demand.
      expect(await userStatus(asymmetricApi('ES256'), oldToken)).to.equal(401);
    });

    it('verifies a kid another instance started signing with before this one re-read the table', async () => {
      await addTestKey('RS256');
      const slow = asymmetricApi('RS256', { KEYS_REFRESH_SECONDS: '3600' });
      await slow.get('/.well-known/jwks.json').expect(200);
      await addTestKey('RS256');
      const token = await login(asymmetricApi('RS256'));
      expect(await userStatus(slow, token)).to.equal(200);
    });
  });
});

describe('openid-configuration and the Host header', () => {
  /** The host an attacker names to poison a shared cache with its own URLs. */
  const EVIL = 'evil.example';
  const PUBLIC_URL = 'https://auth.example.com';
  const fromEvil = (agent: Agent, path: string) =>
    agent.get(path).set('Host', EVIL).set('X-Forwarded-Host', EVIL).set('X-Forwarded-Proto', 'https');

  it('builds the URLs on JWT_ISSUER, else PUBLIC_URL, whatever the Host says, and lets caches keep them', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ PUBLIC_URL, TRUST_PROXY: 'true' }, PUBLIC_URL],
      [{ PUBLIC_URL, JWT_ISSUER: 'auth.example.test', TRUST_PROXY: 'true' }, PUBLIC_URL],
      [{ PUBLIC_URL, JWT_ISSUER: TEST_ISSUER, TRUST_PROXY: 'true' }, TEST_ISSUER],
    ];
    for (const [env, base] of cases) {
      const response = await fromEvil(api(env), '/.well-known/openid-configuration').expect(200);
      expect(response.headers['cache-control'], base).to.equal('public, max-age=60');
      expect(response.body).to.include({
        issuer: env.JWT_ISSUER ?? base,
        jwks_uri: `${base}/.well-known/jwks.json`,
        introspection_endpoint: `${base}/auth/introspect`,
        revocation_endpoint: `${base}/auth/revoke`,
      });
      expect(response.text).not.to.include(EVIL);
    }
  });

  it('answers no-store when no base URL is configured, as its URLs then come from the Host', async () => {
    for (const [trustProxy, origin] of [
      ['false', `http://${EVIL}`],
      ['true', `https://${EVIL}`],
    ] as const) {
      const response = await fromEvil(api({ TRUST_PROXY: trustProxy }), '/.well-known/openid-configuration').expect(
        200,
      );
      expect(response.body.jwks_uri, trustProxy).to.equal(`${origin}/.well-known/jwks.json`);
      expect(response.headers['cache-control'], trustProxy).to.equal('no-store');
    }
  });

  it('never answers a GET with the Host the client sent in a response a cache may keep', async () => {
    const paths = documentedOperations(buildOpenApiDocument())
      .filter((operation) => operation.startsWith('GET ') && !operation.includes('{'))
      .map((operation) => operation.slice('GET '.length));
    const configurations: Array<Record<string, string>> = [
      {},
      { TRUST_PROXY: 'true' },
      { JWT_ISSUER: 'auth.example.test', TRUST_PROXY: 'true' },
    ];
    let cacheable = 0;
    for (const env of configurations) {
      const agent = api(env);
      for (const path of paths) {
        const response = await fromEvil(agent, path);
        if (String(response.headers['cache-control']).includes('no-store')) continue;
        cacheable += 1;
        expect(`${JSON.stringify(response.headers)} ${response.text}`, path).not.to.include(EVIL);
      }
    }
    // The JWKS at least is cacheable in every configuration: the check above did run.
    expect(cacheable).to.be.at.least(configurations.length);
  });
});
