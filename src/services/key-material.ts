import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  randomBytes,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { promisify } from 'node:util';
import type { AsymmetricAlgorithm } from '../config';

const generate = promisify(generateKeyPair);

/** A public key as /.well-known/jwks.json publishes it (RFC 7517). */
export interface PublicJwk extends JsonWebKey {
  kid: string;
  alg: string;
  use: 'sig';
}

const RSA_MODULUS_BITS = 2048;
/** The members RFC 7638 hashes for each key type, in lexicographic order. */
const THUMBPRINT_MEMBERS: Record<string, readonly string[]> = { RSA: ['e', 'kty', 'n'], EC: ['crv', 'kty', 'x', 'y'] };
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A fresh key pair for `algorithm`: RSA 2048 for RS256, P-256 for ES256. */
export async function generateSigningKeyPair(
  algorithm: AsymmetricAlgorithm,
): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  return algorithm === 'RS256'
    ? generate('rsa', { modulusLength: RSA_MODULUS_BITS })
    : generate('ec', { namedCurve: 'P-256' });
}

/** Throws unless `key` (public or private) is of the type and size `algorithm` signs with. */
export function assertKeyFits(key: KeyObject, algorithm: AsymmetricAlgorithm): void {
  const details = key.asymmetricKeyDetails ?? {};
  const fits =
    algorithm === 'RS256'
      ? key.asymmetricKeyType === 'rsa' && (details.modulusLength ?? 0) >= RSA_MODULUS_BITS
      : key.asymmetricKeyType === 'ec' && details.namedCurve === 'prime256v1';
  if (!fits)
    throw new Error(`the key is not an ${algorithm === 'RS256' ? 'RSA key of 2048 bits or more' : 'EC P-256 key'}`);
}

/** The key id of a public key: its RFC 7638 JWK thumbprint (SHA-256, base64url), from node:crypto's JWK export. */
export function keyIdOf(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  const members = THUMBPRINT_MEMBERS[String(jwk.kty)];
  if (members === undefined) throw new Error(`no thumbprint for key type ${String(jwk.kty)}`);
  const canonical = JSON.stringify(Object.fromEntries(members.map((name) => [name, jwk[name]])));
  return createHash('sha256').update(canonical).digest('base64url');
}

/**
 * The key id of an HMAC secret: a hash of it under a fixed label, cut to 128 bits. It tells tokens of
 * two secrets apart and reveals nothing of the secret (a 32-byte secret cannot be searched for).
 */
export function hmacKeyId(secret: string): string {
  return createHash('sha256').update('koa-jwt-auth hmac kid\0').update(secret).digest('base64url').slice(0, 22);
}

/** What the JWKS publishes of `publicKey`: the key members node:crypto exports, with kid, alg and use. */
export function publicJwkOf(publicKey: KeyObject, kid: string, algorithm: string): PublicJwk {
  return { ...publicKey.export({ format: 'jwk' }), kid, alg: algorithm, use: 'sig' };
}

/** The public key of a stored JWK, imported by node:crypto. */
export function importPublicJwk(json: string): KeyObject {
  return createPublicKey({ key: JSON.parse(json) as JsonWebKey, format: 'jwk' });
}

/**
 * Encrypts a private key (PKCS#8 DER) with AES-256-GCM under `encryptionKey`, as `iv.tag.ciphertext`
 * in base64url. The kid is the additional data: a ciphertext moved to another row does not decrypt.
 */
export function encryptPrivateKey(privateKey: KeyObject, encryptionKey: Buffer, kid: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', encryptionKey, iv).setAAD(Buffer.from(kid, 'utf8'));
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  const ciphertext = Buffer.concat([cipher.update(der), cipher.final()]);
  return [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url')).join('.');
}

/** The private key `encryptPrivateKey` sealed; throws when the key, the kid or the bytes are wrong. */
export function decryptPrivateKey(sealed: string, encryptionKey: Buffer, kid: string): KeyObject {
  const [iv = '', tag = '', ciphertext = ''] = sealed.split('.');
  const decipher = createDecipheriv('aes-256-gcm', encryptionKey, Buffer.from(iv, 'base64url'), {
    authTagLength: TAG_BYTES,
  });
  decipher.setAAD(Buffer.from(kid, 'utf8')).setAuthTag(Buffer.from(tag, 'base64url'));
  const der = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
}
