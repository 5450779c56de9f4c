import { createPrivateKey, createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { isAsymmetric, type AsymmetricAlgorithm, type Config, type JwtAlgorithm } from '../config';
import type { SigningKeyRow, SigningKeysRepository } from '../repositories';
import {
  assertKeyFits,
  decryptPrivateKey,
  hmacKeyId,
  importPublicJwk,
  keyIdOf,
  publicJwkOf,
  type PublicJwk,
} from './key-material';

/** The key new tokens are signed with. */
export interface SigningKey {
  kid: string;
  algorithm: JwtAlgorithm;
  privateKey: KeyObject;
}

/** A key tokens are verified with: only with its own algorithm. */
export interface VerificationKey {
  kid: string;
  algorithm: JwtAlgorithm;
  publicKey: KeyObject;
}

export interface KeyStore {
  /** Resolves once the keys are loaded; rejects (at startup) when there is none to sign with. */
  ready(): Promise<void>;
  signingKey(): Promise<SigningKey>;
  /**
   * Null while the keys are no older than KEYS_REFRESH_SECONDS, so that every verification asks at
   * no cost; else a promise that resolves once they are, which the one request per interval that
   * starts the re-read waits for (a failed re-read is logged, the old keys stay).
   */
  refreshed(): Promise<void> | null;
  /** The key a token's `kid` names, or null: unknown, retired, or malformed (null: a token without kid). */
  verificationKey(kid: string | null): Promise<VerificationKey | null>;
  /** True while `kid` names a key this process verifies with (checked on every cached verification, after refreshed()). */
  isUsable(kid: string | null): boolean;
  /** The public keys that may still verify tokens, for /.well-known/jwks.json; none for HMAC. */
  publicJwks(): PublicJwk[];
  /** Forgets retired keys at once (a retirement announced by `--purge`). */
  forgetKeys(kids: readonly string[]): void;
}

/** Kids we issue are 22 (HMAC) or 43 (thumbprint) base64url characters; anything else costs no query. */
const KID_FORMAT = /^[A-Za-z0-9_-]{1,64}$/;
/** Unknown kids remembered per process, so a flood of them costs one query each at most, then none. */
const UNKNOWN_KIDS_MAX = 10_000;
/** At most this many on-demand key queries per second per process; beyond it an unknown kid is refused. */
export const ON_DEMAND_LOADS_PER_SECOND = 5;

/**
 * HS256/384/512: the one secret, made a KeyObject once. Its kid is derived from it; a token without
 * kid (issued before kids existed) still verifies with it, with the same pinned algorithm.
 * A KeyObject, not the string: given a string, jsonwebtoken first tries it as a PEM private key and
 * builds an OpenSSL error each time, about 400 µs of CPU a sign here against 6 (benchmarks.md).
 */
export function createHmacKeyStore(jwtConfig: Config['jwt']): KeyStore {
  if (jwtConfig.secret === null) throw new Error('JWT_SECRET is not configured');
  const kid = hmacKeyId(jwtConfig.secret);
  const key = createSecretKey(Buffer.from(jwtConfig.secret, 'utf8'));
  const usable = (candidate: string | null): boolean => candidate === null || candidate === kid;
  return {
    ready: () => Promise.resolve(),
    refreshed: () => null,
    signingKey: () => Promise.resolve({ kid, algorithm: jwtConfig.algorithm, privateKey: key }),
    verificationKey: (candidate) =>
      Promise.resolve(usable(candidate) ? { kid, algorithm: jwtConfig.algorithm, publicKey: key } : null),
    isUsable: usable,
    // A shared secret is never published: other services cannot verify HMAC tokens.
    publicJwks: () => [],
    forgetKeys: () => undefined,
  };
}

/** RS256/ES256 with the PEM private key in JWT_PRIVATE_KEY_FILE, read once; its kid is its thumbprint. */
export function createFileKeyStore(path: string, algorithm: AsymmetricAlgorithm): KeyStore {
  const privateKey = createPrivateKey(readFileSync(path));
  assertKeyFits(privateKey, algorithm);
  const publicKey = createPublicKey(privateKey);
  const kid = keyIdOf(publicKey);
  const jwk = publicJwkOf(publicKey, kid, algorithm);
  return {
    ready: () => Promise.resolve(),
    refreshed: () => null,
    signingKey: () => Promise.resolve({ kid, algorithm, privateKey }),
    verificationKey: (candidate) => Promise.resolve(candidate === kid ? { kid, algorithm, publicKey } : null),
    isUsable: (candidate) => candidate === kid,
    publicJwks: () => [jwk],
    forgetKeys: () => undefined,
  };
}

interface LoadedKey extends VerificationKey {
  jwk: PublicJwk;
  activatedAt: Date;
}

export interface DatabaseKeyStoreSettings {
  algorithm: AsymmetricAlgorithm;
  encryptionKey: Buffer;
  refreshSeconds: number;
}

/**
 * RS256/ES256 with keys in `signing_keys`. The table is re-read when it is older than
 * `refreshSeconds` (signing waits for that read; verification does not), so a key added by
 * `--rotate-keys` signs everywhere within that time. A kid not yet known is loaded on demand,
 * bounded: malformed kids cost nothing, each kid is read once at a time (single flight), unknown
 * ones are remembered for `refreshSeconds`, and at most ON_DEMAND_LOADS_PER_SECOND reads a second go out.
 */
export function createDatabaseKeyStore(
  repository: Pick<SigningKeysRepository, 'listUnretired' | 'findByKid'>,
  settings: DatabaseKeyStoreSettings,
  logger: Logger,
): KeyStore {
  const { algorithm, encryptionKey } = settings;
  const refreshMs = settings.refreshSeconds * 1000;
  let known = new Map<string, LoadedKey>();
  let signing: SigningKey | null = null;
  let loadedAt = 0;
  let reloading: Promise<void> | null = null;
  const forgotten = new Set<string>();
  const unknownKids = new LRUCache<string, true>({ max: UNKNOWN_KIDS_MAX, ttl: refreshMs });
  const loadingKids = new Map<string, Promise<LoadedKey | null>>();
  let windowStartedAt = 0;
  let loadsInWindow = 0;

  function toLoaded(row: SigningKeyRow): LoadedKey | null {
    if (!isAsymmetric(row.algorithm as JwtAlgorithm)) return null;
    const existing = known.get(row.kid);
    if (existing !== undefined) return existing;
    const publicKey = importPublicJwk(row.publicJwk);
    const rowAlgorithm = row.algorithm as AsymmetricAlgorithm;
    // The stored algorithm must fit the stored key, or an edited row could pair an RSA key with ES256.
    assertKeyFits(publicKey, rowAlgorithm);
    const jwk = publicJwkOf(publicKey, row.kid, rowAlgorithm);
    return { kid: row.kid, algorithm: rowAlgorithm, publicKey, jwk, activatedAt: row.activatedAt };
  }

  async function reload(): Promise<void> {
    const rows = await repository.listUnretired();
    const next = new Map<string, LoadedKey>();
    for (const row of rows) {
      const loaded = forgotten.has(row.kid) ? null : toLoaded(row);
      if (loaded !== null) next.set(row.kid, loaded);
    }
    const now = Date.now();
    // The newest activated key of the configured algorithm signs; the rest only verify.
    const newest = [...rows]
      .reverse()
      .find((row) => row.algorithm === algorithm && row.activatedAt.getTime() <= now && next.has(row.kid));
    if (newest === undefined) signing = null;
    else if (signing?.kid !== newest.kid) {
      signing = {
        kid: newest.kid,
        algorithm,
        privateKey: decryptPrivateKey(newest.privateKeyEncrypted, encryptionKey, newest.kid),
      };
    }
    known = next;
    loadedAt = now;
  }

  function reloadOnce(): Promise<void> {
    reloading ??= reload().finally(() => {
      reloading = null;
    });
    return reloading;
  }

  /** Null when the table was read less than `refreshSeconds` ago; else the re-read, started once. */
  function refreshIfStale(): Promise<void> | null {
    return Date.now() - loadedAt < refreshMs ? null : reloadOnce();
  }

  function refreshed(): Promise<void> | null {
    return (
      refreshIfStale()?.catch((error: unknown) => {
        logger.error({ err: error }, 'could not re-read the signing keys');
      }) ?? null
    );
  }

  /** True when one more on-demand read fits in this second's budget. */
  function takeLoadBudget(): boolean {
    const now = Date.now();
    if (now - windowStartedAt >= 1000) {
      windowStartedAt = now;
      loadsInWindow = 0;
    }
    if (loadsInWindow >= ON_DEMAND_LOADS_PER_SECOND) return false;
    loadsInWindow += 1;
    return true;
  }

  async function loadKid(kid: string): Promise<LoadedKey | null> {
    const row = await repository.findByKid(kid);
    const loaded = row === null || row.retiredAt !== null || forgotten.has(kid) ? null : toLoaded(row);
    if (loaded === null) unknownKids.set(kid, true);
    else known.set(kid, loaded);
    return loaded;
  }

  const initial = reloadOnce();
  // Not a crash: ready() reports it, and the next use reads the table again.
  initial.catch(() => undefined);

  return {
    async ready() {
      await initial;
      if (signing === null) {
        throw new Error(`no ${algorithm} key in signing_keys: run \`node app --create\` or \`node app --rotate-keys\``);
      }
    },

    refreshed,

    async signingKey() {
      await (loadedAt === 0 ? reloadOnce() : refreshIfStale());
      if (signing === null) throw new Error(`no ${algorithm} signing key in signing_keys`);
      return signing;
    },

    async verificationKey(kid) {
      await refreshed();
      if (kid === null) return null;
      const hit = known.get(kid);
      if (hit !== undefined) return hit;
      // Client-chosen kids: a malformed, remembered or over-budget one is refused without a query.
      if (!KID_FORMAT.test(kid) || unknownKids.has(kid) || forgotten.has(kid)) return null;
      const pending = loadingKids.get(kid);
      if (pending !== undefined) return pending;
      if (!takeLoadBudget()) return null;
      const started = loadKid(kid).finally(() => loadingKids.delete(kid));
      loadingKids.set(kid, started);
      return started;
    },

    isUsable(kid) {
      return kid !== null && known.has(kid);
    },

    publicJwks() {
      return [...known.values()].map(({ jwk }) => jwk);
    },

    forgetKeys(kids) {
      for (const kid of kids) {
        forgotten.add(kid);
        known.delete(kid);
        if (signing?.kid === kid) signing = null;
      }
    },
  };
}

/** The key store JWT_ALGORITHM and the key settings call for. */
export function createKeyStore(
  config: Pick<Config, 'jwt' | 'keys'>,
  repository: SigningKeysRepository,
  logger: Logger,
): KeyStore {
  const { algorithm } = config.jwt;
  if (!isAsymmetric(algorithm)) return createHmacKeyStore(config.jwt);
  if (config.keys.privateKeyFile !== null) return createFileKeyStore(config.keys.privateKeyFile, algorithm);
  if (config.keys.encryptionKey === null) throw new Error('KEY_ENCRYPTION_KEY is not configured');
  return createDatabaseKeyStore(
    repository,
    { algorithm, encryptionKey: config.keys.encryptionKey, refreshSeconds: config.keys.refreshSeconds },
    logger,
  );
}
