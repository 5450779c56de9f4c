import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { looksLikeJwt, looksLikeRefreshToken } from '../../../src/services/token-shapes';

const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('token shapes', () => {
  it('looksLikeJwt: compact JWS and JWE whose header is a JSON object', () => {
    expect(looksLikeJwt(`${part({ alg: 'HS256' })}.${part({ sub: '1' })}.c2ln`)).to.equal(true);
    expect(looksLikeJwt(`${part({ alg: 'none' })}.${part({})}.`)).to.equal(true);
    expect(looksLikeJwt(`${part({ alg: 'dir', enc: 'A128GCM' })}..aXY.Y3Q.dGFn`)).to.equal(true);
  });

  it('looksLikeJwt: false for other shapes', () => {
    for (const value of [
      '',
      'abc',
      'a.b',
      'a.b.c',
      `${part([1])}.${part({})}.x`,
      `${part('text')}.${part({})}.x`,
      `${part({ alg: 'HS256' })}.${part({})}`,
      `${part({ alg: 'HS256' })}.a.b.c`,
      `${part({ alg: 'HS256' })}.a b.c`,
      `${randomBytes(16).toString('base64url')}.${randomBytes(32).toString('base64url')}`,
    ]) {
      expect(looksLikeJwt(value), value).to.equal(false);
    }
  });

  it('looksLikeRefreshToken: "<22 characters>.<43 characters>" of base64url only', () => {
    const id = randomBytes(16).toString('base64url');
    const secret = randomBytes(32).toString('base64url');
    expect(looksLikeRefreshToken(`${id}.${secret}`)).to.equal(true);
    expect(looksLikeRefreshToken(`${id}.${secret}x`)).to.equal(false);
    expect(looksLikeRefreshToken(`${id}${secret}`)).to.equal(false);
    expect(looksLikeRefreshToken(`${part({ alg: 'HS256' })}.${part({})}.x`)).to.equal(false);
  });
});
