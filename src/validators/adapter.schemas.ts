import Joi from 'joi';
import { providerNameRule, storableDate } from './auth.schemas';

// Ids are strings on the wire (Auth.js's own type); one that is not ours is a miss, not a 400.
const id = Joi.string().max(255);
const isoDate = storableDate;
// The rule of our own signups (auth.schemas), so that both worlds share one users table.
const email = Joi.string().max(254).email({ tlds: false, allowUnicode: false });
const nullableText = (max: number) => Joi.string().max(max).allow(null);
const token = Joi.string().max(255);

/** An AdapterUser as Auth.js sends it; other fields its profile() added are accepted and not stored. */
export interface AdapterUserInput {
  id?: string;
  name?: string | null;
  email: string;
  emailVerified?: Date | null;
  image?: string | null;
}

const userFields = {
  id: id.description('Ignored on create: this server gives the id.'),
  name: providerNameRule.allow(null),
  emailVerified: isoDate.allow(null),
  image: nullableText(2048),
};

export const adapterUserSchema = Joi.object<AdapterUserInput, true>({ ...userFields, email: email.required() })
  .unknown(true)
  .required();

export type AdapterUserUpdate = Partial<AdapterUserInput> & { id: string };

export const adapterUserUpdateSchema = Joi.object<AdapterUserUpdate, true>({
  ...userFields,
  id: id.required(),
  email,
})
  .unknown(true)
  .required();

export interface UserIdParams {
  id: string;
}

export const userIdParamsSchema = Joi.object<UserIdParams, true>({
  id: id.required().description('A user id; one that is not ours is a miss.'),
}).required();

export interface EmailQuery {
  email: string;
}

export const emailQuerySchema = Joi.object<EmailQuery, true>({ email: Joi.string().max(320).required() }).required();

export interface ProviderAccountParams {
  provider: string;
  providerAccountId: string;
}

export const providerAccountParamsSchema = Joi.object<ProviderAccountParams, true>({
  provider: Joi.string().max(64).required(),
  providerAccountId: Joi.string().max(255).required(),
}).required();

/** The AdapterAccount fields with columns of their own; any other field lands in `extra`. */
export const ACCOUNT_TOKEN_FIELDS = [
  'refresh_token',
  'access_token',
  'expires_at',
  'token_type',
  'scope',
  'id_token',
  'session_state',
] as const;

export type AccountTokenField = (typeof ACCOUNT_TOKEN_FIELDS)[number];
export type ExtraValue = string | number | boolean | null;

export type AdapterAccountInput = {
  userId: string;
  type: 'oauth' | 'oidc' | 'email' | 'webauthn';
  provider: string;
  providerAccountId: string;
  expires_at?: number | null;
} & Partial<Record<Exclude<AccountTokenField, 'expires_at'>, string | null>> & {
    [field: string]: ExtraValue | undefined;
  };

export const adapterAccountSchema = Joi.object<AdapterAccountInput>({
  userId: id.required(),
  type: Joi.string().valid('oauth', 'oidc', 'email', 'webauthn').required(),
  provider: Joi.string().max(64).required(),
  providerAccountId: Joi.string().max(255).required(),
  refresh_token: nullableText(8192),
  access_token: nullableText(8192),
  expires_at: Joi.number().integer().min(0).max(Number.MAX_SAFE_INTEGER).allow(null),
  token_type: nullableText(64),
  scope: nullableText(4096),
  id_token: nullableText(8192),
  session_state: nullableText(255),
})
  // Further fields a provider's token endpoint returned (expires_in, refresh_token_expires_in …).
  .pattern(
    /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/,
    Joi.alternatives().try(Joi.string().max(8192), Joi.number(), Joi.boolean()).allow(null),
  )
  .required();

export interface SessionTokenParams {
  sessionToken: string;
}

export const sessionTokenParamsSchema = Joi.object<SessionTokenParams, true>({
  sessionToken: token.required(),
}).required();

export interface AdapterSessionInput {
  sessionToken: string;
  userId: string;
  expires: Date;
}

export const adapterSessionSchema = Joi.object<AdapterSessionInput, true>({
  sessionToken: token.required(),
  userId: id.required(),
  expires: isoDate.required(),
}).required();

export type AdapterSessionUpdate = Partial<AdapterSessionInput> & { sessionToken: string };

export const adapterSessionUpdateSchema = Joi.object<AdapterSessionUpdate, true>({
  sessionToken: token.required(),
  userId: id,
  expires: isoDate,
}).required();

export interface VerificationTokenInput {
  identifier: string;
  token: string;
  expires: Date;
}

export const verificationTokenSchema = Joi.object<VerificationTokenInput, true>({
  identifier: token.required(),
  token: token.required(),
  expires: isoDate.required(),
}).required();

export type VerificationTokenUse = Omit<VerificationTokenInput, 'expires'>;

export const verificationTokenUseSchema = Joi.object<VerificationTokenUse, true>({
  identifier: token.required(),
  token: token.required(),
}).required();

export interface AuthenticatorInput {
  credentialID: string;
  userId: string;
  providerAccountId: string;
  credentialPublicKey: string;
  counter: number;
  credentialDeviceType: string;
  credentialBackedUp: boolean;
  transports?: string | null;
}

const counter = Joi.number().integer().min(0).max(Number.MAX_SAFE_INTEGER);

export const authenticatorSchema = Joi.object<AuthenticatorInput, true>({
  credentialID: Joi.string().max(512).required(),
  userId: id.required(),
  providerAccountId: Joi.string().max(255).required(),
  credentialPublicKey: Joi.string().max(4096).required(),
  counter: counter.required(),
  credentialDeviceType: Joi.string().max(32).required(),
  credentialBackedUp: Joi.boolean().required(),
  transports: nullableText(255),
}).required();

export interface CredentialParams {
  credentialID: string;
}

export const credentialParamsSchema = Joi.object<CredentialParams, true>({
  credentialID: Joi.string().max(512).required(),
}).required();

export interface CounterInput {
  credentialID: string;
  counter: number;
}

export const counterSchema = Joi.object<CounterInput, true>({
  credentialID: Joi.string().max(512).required(),
  counter: counter.required(),
}).required();
