import Joi from 'joi';

/** POST /auth/introspect and POST /auth/revoke: the token, and optionally what kind it is. */
export interface TokenInput {
  token: string;
  /** RFC 7662 §2.1, RFC 7009 §2.1: a hint only; any value is accepted and the shape decides. */
  token_type_hint?: string;
}

export const tokenInputSchema = Joi.object<TokenInput>({
  token: Joi.string().min(1).max(8192).required().description('An access token or a refresh token this server issued.'),
  token_type_hint: Joi.string()
    .max(64)
    .description('`access_token` or `refresh_token`; optional, the server tells them apart itself.'),
});
