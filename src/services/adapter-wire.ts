import type { AccountRecord, AuthenticatorRecord, UserRecord } from '../repositories';
import {
  ACCOUNT_TOKEN_FIELDS,
  type AccountTokenField,
  type AdapterAccountInput,
  type AuthenticatorInput,
  type ExtraValue,
} from '../validators/adapter.schemas';

/** What Auth.js calls an AdapterUser, as JSON: the id a string, dates ISO 8601. */
export interface AdapterUserDto {
  id: string;
  name: string | null;
  email: string;
  emailVerified: string | null;
  image: string | null;
}

export interface AdapterSessionDto {
  sessionToken: string;
  userId: string;
  expires: string;
}

export interface VerificationTokenDto {
  identifier: string;
  token: string;
  expires: string;
}

export type AdapterAccountDto = Record<string, ExtraValue> & {
  userId: string;
  type: string;
  provider: string;
  providerAccountId: string;
};

export type AuthenticatorDto = Omit<AuthenticatorInput, 'transports'> & { transports: string | null };

/** Our user ids are positive integers; any other id names no user. */
export function userIdOf(id: string): number | null {
  if (!/^[1-9][0-9]{0,9}$/.test(id)) return null;
  const value = Number(id);
  return value <= 4_294_967_295 ? value : null;
}

export function toUserDto(user: UserRecord): AdapterUserDto {
  return {
    id: String(user.id),
    name: user.name,
    email: user.email,
    emailVerified: user.emailVerified === null ? null : user.emailVerified.toISOString(),
    image: user.image,
  };
}

/** The columns of a token field, by the name Auth.js gives it. */
const COLUMNS: Record<AccountTokenField, keyof AccountRecord> = {
  refresh_token: 'refreshToken',
  access_token: 'accessToken',
  expires_at: 'expiresAt',
  token_type: 'tokenType',
  scope: 'scope',
  id_token: 'idToken',
  session_state: 'sessionState',
};

const isTokenField = (field: string): field is AccountTokenField =>
  (ACCOUNT_TOKEN_FIELDS as readonly string[]).includes(field);

/**
 * The row of an AdapterAccount. Fields without a column go to `extra`; so does a token field sent
 * as null, so that the answer gives back null where null was sent and nothing where nothing was.
 */
export function toAccountRecord(account: AdapterAccountInput, userId: number): AccountRecord {
  const record: AccountRecord = {
    userId,
    type: account.type,
    provider: account.provider,
    providerAccountId: account.providerAccountId,
    refreshToken: null,
    accessToken: null,
    expiresAt: null,
    tokenType: null,
    scope: null,
    idToken: null,
    sessionState: null,
    extra: null,
  };
  const extra: Record<string, ExtraValue> = {};
  for (const [field, value] of Object.entries(account)) {
    if (['userId', 'type', 'provider', 'providerAccountId'].includes(field) || value === undefined) continue;
    if (isTokenField(field) && value !== null) Object.assign(record, { [COLUMNS[field]]: value });
    else extra[field] = value;
  }
  return { ...record, extra: Object.keys(extra).length === 0 ? null : extra };
}

export function toAccountDto(record: AccountRecord): AdapterAccountDto {
  const dto: AdapterAccountDto = {
    ...record.extra,
    userId: String(record.userId),
    type: record.type,
    provider: record.provider,
    providerAccountId: record.providerAccountId,
  };
  for (const field of ACCOUNT_TOKEN_FIELDS) {
    const value = record[COLUMNS[field]];
    if (value !== null && typeof value !== 'object') dto[field] = value;
  }
  return dto;
}

export function toAuthenticatorDto(record: AuthenticatorRecord): AuthenticatorDto {
  return {
    credentialID: record.credentialId,
    userId: String(record.userId),
    providerAccountId: record.providerAccountId,
    credentialPublicKey: record.credentialPublicKey,
    counter: record.counter,
    credentialDeviceType: record.credentialDeviceType,
    credentialBackedUp: record.credentialBackedUp,
    transports: record.transports,
  };
}
