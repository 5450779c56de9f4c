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
}

export const oidcLoginQuerySchema = Joi.object<OidcLoginQuery, true>({
  redirect_to: Joi.string()
    .max(2048)
    .required()
    .description('Where the browser goes with ?code= or ?error=: one of OIDC_REDIRECT_ALLOWLIST, exactly.'),
}).required();

export interface OidcExchangeInput {
  code: string;
}

export const oidcExchangeSchema = Joi.object<OidcExchangeInput, true>({
  code: Joi.string().max(128).required().description('The one-time code the callback appended to redirect_to.'),
}).required();

export interface AccountParams {
  provider: string;
}

export const accountParamsSchema = Joi.object<AccountParams, true>({
  provider: Joi.string().max(64).required().description('A provider from GET /auth/accounts.'),
}).required();
