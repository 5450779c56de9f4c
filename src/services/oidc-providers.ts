import * as openid from 'openid-client';
import type { Config, OidcProviderConfig } from '../config';
import { AppError } from '../errors/app-error';

/** The first retry of a failed discovery waits this long; each further one twice as long, up to the maximum. */
const DISCOVERY_BACKOFF_MS = 1000;
const DISCOVERY_BACKOFF_MAX_MS = 5 * 60 * 1000;
/** Longest wait for one request to a provider, in seconds (openid-client's unit). */
const PROVIDER_TIMEOUT_SECONDS = 10;

/** A configured provider; its metadata is discovered on first use. */
export interface OidcProvider {
  settings: OidcProviderConfig;
  /** `<PUBLIC_URL>/auth/oidc/<name>/callback`, as registered at the provider. */
  redirectUri: string;
  /** The discovered configuration; 503 OIDC_PROVIDER_UNAVAILABLE until discovery succeeds. */
  discovered(): Promise<openid.Configuration>;
}

export interface OidcProviders {
  /** The provider of that name, or null when none is configured. */
  find(name: string): OidcProvider | null;
}

/**
 * Discovery on first use, cached for the process's life. A failure is not cached for long: the next
 * attempt is allowed after a backoff that doubles per failure (1 s … 5 min), and until then every
 * request answers 503 at once instead of waiting on a provider that is down. Concurrent first
 * requests share one attempt.
 */
function lazyDiscovery(settings: OidcProviderConfig): () => Promise<openid.Configuration> {
  let configuration: openid.Configuration | null = null;
  let attempt: Promise<openid.Configuration> | null = null;
  let failures = 0;
  let retryAt = 0;

  const unavailable = (cause?: unknown) =>
    new AppError('OIDC_PROVIDER_UNAVAILABLE', {
      cause,
      retryAfterSeconds: Math.max(1, Math.ceil((retryAt - Date.now()) / 1000)),
    });

  async function discover(): Promise<openid.Configuration> {
    try {
      const discovered = await openid.discovery(
        settings.issuer,
        settings.clientId,
        undefined,
        openid.ClientSecretBasic(settings.clientSecret),
        {
          timeout: PROVIDER_TIMEOUT_SECONDS,
          // Plain-HTTP issuers pass configuration only outside production (local providers, tests).
          // eslint-disable-next-line @typescript-eslint/no-deprecated -- deprecated only to stand out, for this very case.
          execute: settings.issuer.protocol === 'http:' ? [openid.allowInsecureRequests] : [],
        },
      );
      discovered.timeout = PROVIDER_TIMEOUT_SECONDS;
      // Verify the ID token's signature too (against the provider's JWKS): TLS to the token endpoint
      // alone would do by OpenID Connect Core 3.1.3.7, but a proxy or a misconfigured client would not.
      openid.enableNonRepudiationChecks(discovered);
      configuration = discovered;
      failures = 0;
      return discovered;
    } catch (error) {
      failures += 1;
      retryAt = Date.now() + Math.min(DISCOVERY_BACKOFF_MAX_MS, DISCOVERY_BACKOFF_MS * 2 ** (failures - 1));
      throw unavailable(error);
    } finally {
      attempt = null;
    }
  }

  return () => {
    if (configuration !== null) return Promise.resolve(configuration);
    if (attempt !== null) return attempt;
    if (Date.now() < retryAt) return Promise.reject(unavailable());
    attempt = discover();
    return attempt;
  };
}

/** The providers of OIDC_PROVIDERS, none discovered yet: a provider that is down never stops startup. */
export function createOidcProviders(settings: Config['oidc']): OidcProviders {
  const providers = new Map<string, OidcProvider>(
    settings.providers.map((provider) => [
      provider.name,
      {
        settings: provider,
        redirectUri: `${settings.publicUrl ?? ''}/auth/oidc/${provider.name}/callback`,
        discovered: lazyDiscovery(provider),
      },
    ]),
  );
  return { find: (name) => providers.get(name) ?? null };
}
