import { createHmac, randomUUID } from 'node:crypto';
import bcrypt from 'bcrypt';
import jwt, { type SignOptions } from 'jsonwebtoken';
import request from 'supertest';
import { User } from '../../src/models';
import { createApp } from '../../src/server';
import { silentLogger, TEST_SECRET, testConfig } from './config';

export const PASSWORD = 'correct horse battery';

/** An email no other test uses. */
export function uniqueEmail(): string {
  return `user-${randomUUID()}@example.com`;
}

/** A supertest agent over a fresh app; overrides change its configuration. */
export function api(overrides: Record<string, string> = {}) {
  return request(createApp({ config: testConfig(overrides), logger: silentLogger }).callback());
}

/** Inserts a user straight into the database. */
export async function createUser(fields: Partial<{ email: string; name: string; password: string }> = {}) {
  const password = fields.password ?? PASSWORD;
  const user = await User.create({
    email: fields.email ?? uniqueEmail(),
    name: fields.name ?? 'Test User',
    passwordHash: await bcrypt.hash(password, 4),
  });
  return { user, password };
}

/** A user and a token pair obtained through the real login route. */
export async function loggedInUser(fields: Parameters<typeof createUser>[0] = {}) {
  const { user, password } = await createUser(fields);
  const response = await api().post('/auth/login').send({ email: user.email, password }).expect(200);
  const body = response.body as { access_token: string; refresh_token: string };
  const sessionId = String(decode(body.access_token).sid);
  return { user, password, accessToken: body.access_token, refreshToken: body.refresh_token, sessionId };
}

/** Signs arbitrary claims with the test secret, for tokens the server would never issue itself. */
export function signToken(payload: Record<string, unknown>, options: SignOptions = {}): string {
  return jwt.sign(payload, TEST_SECRET, { algorithm: 'HS256', ...options });
}

export function decode(token: string): Record<string, unknown> {
  return jwt.decode(token) as Record<string, unknown>;
}

/** Signs any JSON payload with HS256 by hand, for claims jsonwebtoken refuses to sign. */
export function signRawToken(payload: Record<string, unknown>): string {
  return signSegments(
    Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url'),
    Buffer.from(JSON.stringify(payload)).toString('base64url'),
  );
}

/** Appends a correct HS256 signature (test secret) to any header and payload segments, encoded or not. */
export function signSegments(headerSegment: string, payloadSegment: string): string {
  const unsigned = `${headerSegment}.${payloadSegment}`;
  return `${unsigned}.${createHmac('sha256', TEST_SECRET).update(unsigned).digest('base64url')}`;
}

/** A correctly signed token (test secret) of any header and payload bytes: JSON or not, objects or not. */
export function signBytes(header: string | Buffer, payload: string | Buffer): string {
  const encode = (bytes: string | Buffer): string => Buffer.from(bytes).toString('base64url');
  return signSegments(encode(header), encode(payload));
}
