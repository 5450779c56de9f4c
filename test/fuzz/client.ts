import type { Server } from 'node:http';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { expect } from 'chai';
import type fc from 'fast-check';
import { QueryTypes } from 'sequelize';
import supertest from 'supertest';
import { ERRORS } from '../../src/errors/catalogue';
import { testSequelize } from '../support/database';
import type { FuzzBody } from './bodies';
import { ADAPTER_SECRET } from '../support/config';
import { VALID_TOKEN } from './tokens';

export interface FuzzRequest {
  method: string;
  path: string;
  /** The Authorization header; null sends none, VALID_TOKEN sends the fuzz user's real token. */
  authorization: string | null;
  headers: Record<string, string>;
  body: FuzzBody | null;
}

export interface FuzzResponse {
  status: number;
  contentType: string;
  /** The WWW-Authenticate header, '' when absent. */
  wwwAuthenticate: string;
  text: string;
}

function encodedPayload(body: FuzzBody): Buffer {
  const raw = Buffer.from(body.payload);
  const encoding = (body.contentEncoding ?? '').toLowerCase();
  if (!body.compress) return raw;
  if (encoding.includes('gzip')) return gzipSync(raw);
  if (encoding.includes('deflate')) return deflateSync(raw);
  if (encoding === 'br') return brotliCompressSync(raw);
  return raw;
}

/** Sends one fuzz request to the listening server and reads the raw response. */
export async function send(server: Server, request: FuzzRequest, validToken: string): Promise<FuzzResponse> {
  const test = new supertest.Test(server, request.method, request.path)
    .redirects(0)
    .timeout(15_000)
    .ok(() => true)
    .responseType('blob');
  // /adapter requests carry the secret, so that they reach validation and the handlers; the
  // adapter-secret suite fuzzes the header itself.
  if (request.path.startsWith('/adapter/')) test.set('X-Auth-Secret', ADAPTER_SECRET);
  for (const [name, value] of Object.entries(request.headers)) test.set(name, value);
  if (request.authorization !== null) {
    test.set('Authorization', request.authorization === VALID_TOKEN ? `Bearer ${validToken}` : request.authorization);
  }
  // A HEAD request has no body: Node's client would send the length without the bytes.
  if (request.body !== null && request.method !== 'HEAD') {
    test.set('Content-Type', request.body.contentType);
    if (request.body.contentEncoding !== null) test.set('Content-Encoding', request.body.contentEncoding);
    // superagent would re-serialise a Buffer by its Content-Type; the bytes must go out as they are.
    test.serialize((bytes: Buffer) => bytes as unknown as string).send(encodedPayload(request.body));
  }
  const response = await test;
  const body: unknown = response.body;
  return {
    status: response.status,
    contentType: response.get('Content-Type') ?? '',
    wwwAuthenticate: response.get('WWW-Authenticate') ?? '',
    text: Buffer.isBuffer(body) ? body.toString('utf8') : '',
  };
}

/** Never a 5xx; every 4xx is `{ error: { code, message } }` as JSON, with a catalogue code and status. */
export function expectWellFormed(request: FuzzRequest, response: FuzzResponse): void {
  const label = `${request.method} ${request.path} -> ${response.status} ${response.text.slice(0, 300)}`;
  expect(response.status, label).to.be.below(500);
  if (response.status < 400) return;
  expect(response.contentType, label).to.match(/^application\/json/);
  // HEAD answers carry the headers of the error but, by HTTP, no body.
  if (request.method === 'HEAD') return;
  const body = JSON.parse(response.text) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
  const code = String(body.error?.code);
  expect(Object.keys(ERRORS), label).to.include(code);
  expect(ERRORS[code as keyof typeof ERRORS].status, label).to.equal(response.status);
  expect(body.error?.message, label).to.be.a('string');
  if (body.error?.details !== undefined) expect(body.error.details, label).to.be.an('array');
}

/** Checksums of every table a request may write: equal checksums mean no row was touched. */
export async function databaseSnapshot(): Promise<string> {
  const rows = await testSequelize().query(
    'CHECKSUM TABLE users, sessions, blocked_tokens, accounts, authjs_sessions, verification_tokens, authenticators, ' +
      'oidc_codes, email_tokens',
    { type: QueryTypes.SELECT },
  );
  return JSON.stringify(rows);
}

const scale = Number(process.env.FUZZ_SCALE ?? '1');
const seed = process.env.FUZZ_SEED;

/**
 * fast-check settings for a property with `runs` runs in CI. FUZZ_SCALE multiplies the runs for
 * a longer campaign; FUZZ_SEED replays the run whose seed a failure printed.
 */
export function fuzzParameters<Request = FuzzRequest>(runs: number): fc.Parameters<[Request]> {
  return {
    numRuns: Math.max(1, Math.round(runs * scale)),
    ...(seed === undefined ? {} : { seed: Number(seed) }),
  };
}

/**
 * The mocha timeout for a property with `runs` runs: generous, the machine may be loaded, and
 * shrinking a failure sends real requests too; a timeout would hide the seed fast-check prints.
 */
export const timeoutFor = (runs: number): number => (runs * 200 + 300_000) * scale;
