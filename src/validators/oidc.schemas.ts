import Joi from 'joi';

const provider = Joi.string()
  .max(64)
  .required()
  .description('A provider name from OIDC_PROVIDERS; any other answers 404 OIDC_PROVIDER_UNKNOWN.');

export interface OidcProviderParams {
  provider: string;
}

export const oidcProviderParamsSchema = Joi.object<OidcProviderParams, true>({ provider }).required();

export interface OidcLoginQuery {
  redirect_to: string;
  code_challenge: string;
  code_challenge_method: 'S256';
}

export const oidcLoginQuerySchema = Joi.object<OidcLoginQuery, true>({
  redirect_to: Joi.string()
    .max(2048)
    .required()
    .description('Where the browser goes with ?code= or ?error=: one of OIDC_REDIRECT_ALLOWLIST, exactly.'),
  code_challenge: Joi.string()
    .pattern(/^[A-Za-z0-9_-]{43}$/, { name: 'BASE64URL(SHA-256(code_verifier))' })
    .required()
    .description(
      "The front end's PKCE challenge (RFC 7636, S256): the exchange needs the code_verifier it was made from.",
    ),
  code_challenge_method: Joi.string<'S256'>().valid('S256').default('S256').description('Only S256.'),
}).required();

export interface OidcExchangeInput {
  code: string;
  code_verifier: string;
}

export const oidcExchangeSchema = Joi.object<OidcExchangeInput, true>({
  code: Joi.string().max(128).required().description('The one-time code the callback appended to redirect_to.'),
  code_verifier: Joi.string()
    .pattern(/^[A-Za-z0-9._~-]{43,128}$/, { name: 'an RFC 7636 code_verifier' })
    .required()
    .description('The verifier of the code_challenge the front end sent to the login route, kept by it alone.'),
}).required();

export interface AccountParams {
  provider: string;
}

export const accountParamsSchema = Joi.object<AccountParams, true>({
  provider: Joi.string().max(64).required().description('A provider from GET /auth/accounts.'),
}).required();
