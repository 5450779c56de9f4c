import { expect } from 'chai';
import { createHmac, createPublicKey, generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { setTimeout as sleep } from 'node:timers/promises';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createVerifier, VerifyError, type Verifier } from '../../clients/verify/src';
import { createDatabase } from '../../src/repositories';
import { retireSupersededKeys } from '../../src/services/key-rotation';
import { TEST_CLIENT } from '../support/config';
import { testSequelize } from '../support/database';
import { createUser } from '../support/factories';
import { startInstances, stopInstances } from '../support/instances';
import { addTestKey, asymmetricOverrides, TEST_ISSUER } from '../support/keys';
import type { RunningServer } from '../support/processes';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (rejection: unknown) => rejection,
  );
  expect(error).to.be.instanceOf(VerifyError);
  return (error as VerifyError).code;
}

describe('clients/verify against a live RS256 server', () => {
  let server: RunningServer;
  let verifier: Verifier;

  async function login(): Promise<string> {
    const { user, password } = await createUser();
    const response = await fetch(`${server.baseUrl}/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: user.email, password }),
    });
    return ((await response.json()) as { access_token: string }).access_token;
  }

  before(async () => {
    await addTestKey('RS256');
    [server] = (await startInstances(1, asymmetricOverrides('RS256', { KEYS_REFRESH_SECONDS: '1' }))) as [
      RunningServer,
    ];
    verifier = createVerifier({ issuer: TEST_ISSUER, jwksUrl: `${server.baseUrl}/.well-known/jwks.json` });
  });

  after(async () => {
    await stopInstances([server]);
  });

  it('verifies a fresh token, and refuses a tampered one, an unknown key and an HS256 token made with the public key', async () => {
    const token = await login();
    const claims = await verifier.verify(token);
    expect(claims.iss).to.equal(TEST_ISSUER);
    expect(claims.sub).to.match(/^[0-9]+$/);

    const [header = '', payload = '', signature = ''] = token.split('.');
    const tampered = Buffer.from(JSON.stringify({ ...claims, sub: `${claims.sub}0` })).toString('base64url');
    expect(await codeOf(verifier.verify(`${header}.${tampered}.${signature}`))).to.equal('TOKEN_INVALID');

    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const { kid } = jwt.decode(token, { complete: true })?.header ?? {};
    expect(
      await codeOf(verifier.verify(jwt.sign(claims, stranger, { algorithm: 'RS256', keyid: 'unknown' }))),
    ).to.equal('TOKEN_INVALID');
    expect(await codeOf(verifier.verify(jwt.sign(claims, stranger, { algorithm: 'RS256', keyid: kid })))).to.equal(
      'TOKEN_INVALID',
    );

    const jwks = (await (await fetch(`${server.baseUrl}/.well-known/jwks.json`)).json()) as { keys: JsonWebKey[] };
    const publicPem = createPublicKey({ key: jwks.keys.find((key) => key.kid === kid) as JsonWebKey, format: 'jwk' })
      .export({ type: 'spki', format: 'pem' })
      .toString();
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid })).toString('base64url')}.${payload}`;
    const confused = `${unsigned}.${createHmac('sha256', publicPem).update(unsigned).digest('base64url')}`;
    expect(await codeOf(verifier.verify(confused))).to.equal('TOKEN_INVALID');
  });

  it('ignores the JWKS entries it cannot use (RFC 7517 §5) and verifies with the others', async () => {
    const token = await login();
    const { kid } = jwt.decode(token, { complete: true })?.header ?? {};
    const served = (await (await fetch(`${server.baseUrl}/.well-known/jwks.json`)).json()) as { keys: JsonWebKey[] };
    const real = served.keys.find((key) => key.kid === kid) as JsonWebKey;
    const ecPublic = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
    const unusable: unknown[] = [
      null,
      42,
      'a string',
      [],
      { kid: 'no-kty', alg: 'RS256', use: 'sig', n: real.n, e: real.e },
      { kid: 'bad-modulus', alg: 'RS256', use: 'sig', kty: 'RSA', n: '!!', e: 'AQAB' },
      { kid: 'short-point', alg: 'ES256', use: 'sig', kty: 'EC', crv: 'P-256', x: 'AQ', y: 'AQ' },
      { ...ecPublic, kid: 'ec-labelled-rs256', alg: 'RS256', use: 'sig' },
      { ...real, kid: 'rsa-labelled-es256', alg: 'ES256' },
    ];
    const jwks = createServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ keys: [...unusable, ...served.keys] }));
    }).listen(0, '127.0.0.1');
    await once(jwks, 'listening');
    try {
      const tolerant = createVerifier({
        issuer: TEST_ISSUER,
        jwksUrl: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/`,
      });
      expect((await tolerant.verify(token)).iss).to.equal(TEST_ISSUER);
      const [, payload = '', signature = ''] = token.split('.');
      // A token naming an ignored key is refused like one naming no key at all.
      for (const ignored of ['rsa-labelled-es256', 'ec-labelled-rs256', 'bad-modulus']) {
        const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: ignored })).toString('base64url');
        expect(await codeOf(tolerant.verify(`${header}.${payload}.${signature}`))).to.equal('TOKEN_INVALID');
      }
    } finally {
      jwks.close();
    }
  });

  it('follows a rotation: new kid verified, old one valid during the overlap, refused after retirement', async () => {
    const oldToken = await login();
    const newKid = await addTestKey('RS256');
    await sleep(1200);
    const newToken = await login();
    expect(jwt.decode(newToken, { complete: true })?.header.kid).to.equal(newKid);
    await sleep(1100);
    expect((await verifier.verify(newToken)).sub).to.be.a('string');
    expect((await verifier.verify(oldToken)).sub).to.be.a('string');

    await retireSupersededKeys(createDatabase(testSequelize()).signingKeys, 'RS256', 0);
    await sleep(2200);
    expect(await codeOf(verifier.verify(oldToken))).to.equal('TOKEN_INVALID');
    expect((await verifier.verify(newToken)).sub).to.be.a('string');
  });

  it('sees a logout through introspection', async () => {
    const revocationAware = createVerifier({
      issuer: TEST_ISSUER,
      jwksUrl: `${server.baseUrl}/.well-known/jwks.json`,
      introspection: {
        url: `${server.baseUrl}/auth/introspect`,
        clientId: TEST_CLIENT.id,
        clientSecret: TEST_CLIENT.secret,
        cacheSeconds: 0,
      },
    });
    const token = await login();
    expect((await revocationAware.verify(token)).sub).to.be.a('string');
    const logout = await fetch(`${server.baseUrl}/auth/logout`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(logout.status).to.equal(200);
    expect(await codeOf(revocationAware.verify(token))).to.equal('TOKEN_REVOKED');
    // Without introspection the signature alone still says valid: that is the documented trade-off.
    expect((await verifier.verify(token)).sub).to.be.a('string');
  });
});
