import Joi from 'joi';
import { optional, secret, withDefault, type ConfigKey, type ValuesOf } from './declare';

/** One OpenID provider users may sign in with. */
export interface OidcProviderConfig {
  /** Lower-case, as in OIDC_PROVIDERS and the routes' `:provider`. */
  name: string;
  issuer: URL;
  clientId: string;
  clientSecret: string;
  /** Space-separated, always with `openid`. */
  scopes: string;
}

export interface OidcSettings {
  oidc: {
    /** This server's external origin: redirect URIs are `<publicUrl>/auth/oidc/<name>/callback`; the discovery base. */
    publicUrl: string | null;
    /** Front-end URLs that may receive a sign-in's result, normalised (`new URL(...).href`). */
    redirectAllowlist: readonly string[];
    providers: readonly OidcProviderConfig[];
  };
}

/** A provider name: lower-case letters and digits, so that it reads back from OIDC_<NAME>_… keys. */
const PROVIDER_NAME = /^[a-z][a-z0-9]{0,31}$/;

/** The text of a comma list, trimmed, without empty entries. */
const listOf = (value: string): string[] =>
  value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');

const providerNames = Joi.string<string[]>()
  .custom((value: string, helpers) => {
    const names = listOf(value);
    const invalid = names.find((name) => !PROVIDER_NAME.test(name));
    if (invalid !== undefined) return helpers.error('provider.invalid', { provider: invalid });
    return [...new Set(names)];
  })
  .messages({ 'provider.invalid': '{{#label}} entry "{{#provider}}" must be lower-case letters and digits' });

/** True for an absolute http(s) URL with no credentials and no fragment. */
function isPlainUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.hash === '';
  } catch {
    return false;
  }
}

// Exact URLs, never patterns or prefixes: an open redirector would hand sign-in codes to anyone.
const redirectAllowlist = Joi.string<string[]>()
  .custom((value: string, helpers) => {
    const urls = listOf(value);
    const invalid = urls.find((url) => !isPlainUrl(url));
    if (invalid !== undefined) return helpers.error('redirect.invalid', { url: invalid });
    return [...new Set(urls.map((url) => new URL(url).href))];
  })
  .messages({ 'redirect.invalid': '{{#label}} entry "{{#url}}" must be an absolute http(s) URL without a fragment' });

/** True for `scheme://host[:port]`, no path. */
function isOrigin(value: string): boolean {
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
}

// In production, only HTTPS: codes, state and the provider's answers must not cross the network in clear.
const httpsInProduction = (schema: Joi.StringSchema): Joi.StringSchema =>
  schema.when('NODE_ENV', {
    is: 'production',
    then: Joi.string()
      .pattern(/^https:\/\//, { name: 'https://…' })
      .messages({ 'string.pattern.name': '{{#label}} must be an https:// URL in production' }),
  });

const whenProvidersListed = { is: Joi.array().min(1), then: Joi.required() } as const;

/** Sign-in with OpenID Connect providers: which ones, and where results may go. */
export const OIDC_KEYS = {
  OIDC_PROVIDERS: withDefault(
    providerNames.description(
      'Comma-separated names (lower-case letters and digits) of the OpenID providers users may sign in with; ' +
        'each needs its `OIDC_<NAME>_…` keys. Empty: no OpenID sign-in.',
    ),
    [],
  ),
  PUBLIC_URL: optional(
    httpsInProduction(
      Joi.string()
        .custom((value: string, helpers) => (isOrigin(value) ? value : helpers.error('origin.invalid')))
        .messages({ 'origin.invalid': '{{#label}} must be an origin like https://auth.example.com (no path)' }),
    )
      .when('OIDC_PROVIDERS', whenProvidersListed)
      .description(
        "This server's external origin (https://auth.example.com): the redirect URI registered at each provider is " +
          '`<PUBLIC_URL>/auth/oidc/<name>/callback`, and the base of the URLs in /.well-known/openid-configuration ' +
          'unless JWT_ISSUER is an http(s) URL. Required with OIDC_PROVIDERS.',
      ),
  ),
  OIDC_REDIRECT_ALLOWLIST: optional(
    redirectAllowlist
      .when('OIDC_PROVIDERS', whenProvidersListed)
      .description(
        'Comma-separated front-end URLs, matched exactly, that may receive the result of a sign-in (`?code=` or `?error=`). ' +
          'Required with OIDC_PROVIDERS.',
      ),
  ),
};

/**
 * The keys every provider `N` of OIDC_PROVIDERS has, as `OIDC_<N>_<suffix>` (N upper-cased). Declared
 * once here under their pattern names; loadConfig requires them for each listed provider.
 */
export const OIDC_PROVIDER_KEYS = {
  ISSUER: optional(
    httpsInProduction(Joi.string().uri({ scheme: ['https', 'http'] }))
      .required()
      .description(
        "The provider's issuer URL, as its /.well-known/openid-configuration says it (https only in production).",
      ),
  ),
  CLIENT_ID: optional(Joi.string().max(255).required().description('The client id the provider gave this server.')),
  CLIENT_SECRET: secret(
    Joi.string().max(1024).required().description('The client secret the provider gave this server.'),
  ),
  SCOPES: withDefault(
    Joi.string()
      .pattern(/(^| )openid( |$)/, { name: 'openid …' })
      .description('Space-separated scopes to ask for; must include openid.'),
    'openid email profile',
  ),
} satisfies Record<string, ConfigKey<unknown>>;

type ProviderKeySuffix = keyof typeof OIDC_PROVIDER_KEYS;

/** The name of a provider's key: `OIDC_GOOGLE_ISSUER` for (google, ISSUER). */
export const providerKeyName = (provider: string, suffix: ProviderKeySuffix): string =>
  `OIDC_${provider.toUpperCase()}_${suffix}`;

/** The per-provider keys under their pattern names (`OIDC_<NAME>_ISSUER` …), for the generated reference. */
export const OIDC_PROVIDER_KEY_PATTERNS: Readonly<Record<string, ConfigKey<unknown>>> = Object.fromEntries(
  Object.entries(OIDC_PROVIDER_KEYS).map(([suffix, key]) => [`OIDC_<NAME>_${suffix}`, key]),
);

/** The providers OIDC_PROVIDERS lists in `env`, or none when it is not a valid list (its rule reports that). */
function listedProviders(env: Readonly<Record<string, unknown>>): string[] {
  const value = env.OIDC_PROVIDERS;
  if (typeof value !== 'string') return [];
  const names = listOf(value);
  return names.every((name) => PROVIDER_NAME.test(name)) ? [...new Set(names)] : [];
}

/** The per-provider keys `env` calls for: OIDC_<N>_ISSUER … for each provider it lists. */
export function providerKeysOf(env: Readonly<Record<string, unknown>>): Record<string, ConfigKey<unknown>> {
  return Object.fromEntries(
    listedProviders(env).flatMap((name) =>
      Object.entries(OIDC_PROVIDER_KEYS).map(([suffix, key]) => [
        providerKeyName(name, suffix as ProviderKeySuffix),
        key,
      ]),
    ),
  );
}

/** `raw` holds the validated per-provider keys too (see providerKeysOf). */
export function oidcSettings(
  raw: ValuesOf<typeof OIDC_KEYS>,
  providerValues: Readonly<Record<string, unknown>>,
): Readonly<OidcSettings> {
  const text = (name: string, suffix: ProviderKeySuffix): string =>
    String(providerValues[providerKeyName(name, suffix)]);
  const providers = raw.OIDC_PROVIDERS.map((name) =>
    Object.freeze({
      name,
      issuer: new URL(text(name, 'ISSUER')),
      clientId: text(name, 'CLIENT_ID'),
      clientSecret: text(name, 'CLIENT_SECRET'),
      scopes: text(name, 'SCOPES').trim().split(/ +/).join(' '),
    }),
  );
  return {
    oidc: Object.freeze({
      publicUrl: raw.PUBLIC_URL ?? null,
      redirectAllowlist: Object.freeze(raw.OIDC_REDIRECT_ALLOWLIST ?? []),
      providers: Object.freeze(providers),
    }),
  };
}
