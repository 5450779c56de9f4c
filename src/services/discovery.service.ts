import type { Config } from '../config';
import type { KeyStore } from './keys.service';
import type { PublicJwk } from './key-material';

/** The subset of OpenID Provider Metadata (OpenID Connect Discovery 1.0 §3) that applies to this server. */
export interface OpenIdConfigurationDto {
  issuer: string;
  jwks_uri: string;
  introspection_endpoint: string;
  introspection_endpoint_auth_methods_supported: string[];
  revocation_endpoint: string;
  revocation_endpoint_auth_methods_supported: string[];
  token_endpoint_auth_methods_supported: string[];
  id_token_signing_alg_values_supported: string[];
  response_types_supported: string[];
  subject_types_supported: string[];
}

/** What other services need to verify our tokens themselves: the public keys and where things are. */
export function createDiscoveryService(config: Pick<Config, 'jwt' | 'keys' | 'oidc'>, keys: KeyStore) {
  const { issuer } = config.jwt;
  /** The base of every endpoint: the issuer when it is an http(s) URL, else PUBLIC_URL, else none. */
  const configuredBase =
    issuer !== null && /^https?:\/\//.test(issuer) ? issuer.replace(/\/+$/, '') : config.oidc.publicUrl;

  return {
    /** Seconds the JWKS may be cached: never longer than a new key takes to sign here. */
    jwksMaxAgeSeconds: config.keys.refreshSeconds,

    /** True when no base is configured: the metadata's URLs then come from the request's own origin. */
    metadataFromRequest: configuredBase === null,

    async jwks(): Promise<{ keys: PublicJwk[] }> {
      await keys.refreshed();
      return { keys: keys.publicJwks() };
    },

    openIdConfiguration(requestOrigin: string): OpenIdConfigurationDto {
      const base = configuredBase ?? requestOrigin;
      return {
        // Equal to the tokens' `iss` when JWT_ISSUER is set; the base URL otherwise (tokens then carry none).
        issuer: config.jwt.issuer ?? base,
        jwks_uri: `${base}/.well-known/jwks.json`,
        introspection_endpoint: `${base}/auth/introspect`,
        introspection_endpoint_auth_methods_supported: ['client_secret_basic'],
        revocation_endpoint: `${base}/auth/revoke`,
        revocation_endpoint_auth_methods_supported: ['client_secret_basic'],
        token_endpoint_auth_methods_supported: ['client_secret_basic'],
        id_token_signing_alg_values_supported: [config.jwt.algorithm],
        response_types_supported: ['token'],
        subject_types_supported: ['public'],
      };
    },
  };
}

export type DiscoveryService = ReturnType<typeof createDiscoveryService>;
