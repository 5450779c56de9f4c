import type { AsymmetricAlgorithm, Config } from '../config';
import type { SigningKeysRepository } from '../repositories';
import { encryptPrivateKey, generateSigningKeyPair, keyIdOf } from './key-material';

/**
 * Generates a key pair for `algorithm` and stores it, active from `now`: its private key only
 * encrypted under `encryptionKey`. Returns its kid. Running servers sign with it once they re-read
 * the table (KEYS_REFRESH_SECONDS); they verify its tokens at once (an unknown kid is looked up).
 */
export async function addSigningKey(
  repository: Pick<SigningKeysRepository, 'insert'>,
  algorithm: AsymmetricAlgorithm,
  encryptionKey: Buffer,
  now = new Date(),
): Promise<string> {
  const { privateKey, publicKey } = await generateSigningKeyPair(algorithm);
  const kid = keyIdOf(publicKey);
  await repository.insert({
    kid,
    algorithm,
    publicJwk: JSON.stringify(publicKey.export({ format: 'jwk' })),
    privateKeyEncrypted: encryptPrivateKey(privateKey, encryptionKey, kid),
    createdAt: now,
    activatedAt: now,
    retiredAt: null,
  });
  return kid;
}

/** Adds a key for `algorithm` only when no key of it is in use; returns its kid, or null when one was there. */
export async function ensureSigningKey(
  repository: Pick<SigningKeysRepository, 'insert' | 'listUnretired'>,
  algorithm: AsymmetricAlgorithm,
  encryptionKey: Buffer,
): Promise<string | null> {
  const existing = await repository.listUnretired();
  if (existing.some((row) => row.algorithm === algorithm)) return null;
  return addSigningKey(repository, algorithm, encryptionKey);
}

/**
 * How long a superseded key must keep verifying: every server stops signing with it within
 * KEYS_REFRESH_SECONDS of its successor's activation, and what it signed then lives one token
 * lifetime, plus the clock tolerance.
 */
export function overlapSeconds(config: Pick<Config, 'jwt' | 'keys'>): number {
  return config.keys.refreshSeconds + config.jwt.expiresInSeconds + config.jwt.clockToleranceSeconds;
}

/**
 * Retires every key superseded by the current signing key of `algorithm` (the newest activated one)
 * more than `overlap` seconds ago: no token they signed can still be valid. Returns their kids.
 */
export async function retireSupersededKeys(
  repository: Pick<SigningKeysRepository, 'listUnretired' | 'retire'>,
  algorithm: AsymmetricAlgorithm,
  overlap: number,
  now = new Date(),
): Promise<string[]> {
  const rows = await repository.listUnretired();
  const current = [...rows]
    .reverse()
    .find((row) => row.algorithm === algorithm && row.activatedAt.getTime() <= now.getTime());
  if (current === undefined || current.activatedAt.getTime() + overlap * 1000 > now.getTime()) return [];
  const superseded = rows.filter(
    (row) => row.kid !== current.kid && row.activatedAt.getTime() <= current.activatedAt.getTime(),
  );
  return repository.retire(
    superseded.map((row) => row.kid),
    now,
  );
}
