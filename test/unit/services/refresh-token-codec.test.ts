import { expect } from 'chai';
import { newRefreshToken, readRefreshToken, secretMatches } from '../../../src/services/refresh-token-codec';
import { looksLikeRefreshToken } from '../../../src/services/token-shapes';

describe('refresh token codec', () => {
  it('makes "<row id>.<secret>" tokens that read back, and stores only a hash of the secret', () => {
    const token = newRefreshToken();
    expect(looksLikeRefreshToken(token.refreshToken)).to.equal(true);
    const parts = readRefreshToken(token.refreshToken);
    expect(parts?.rowId).to.equal(token.rowId);
    expect(token.secretHash).to.match(/^[0-9a-f]{64}$/);
    expect(token.refreshToken).to.not.include(token.secretHash);
    expect(secretMatches(parts?.secret ?? '', token.secretHash)).to.equal(true);
  });

  it('gives every token its own row id and secret', () => {
    const [one, two] = [newRefreshToken(), newRefreshToken()];
    expect(one.rowId).to.not.equal(two.rowId);
    expect(one.secretHash).to.not.equal(two.secretHash);
  });

  it('does not match another secret, and reads nothing from a token of another shape', () => {
    const token = newRefreshToken();
    expect(secretMatches('A'.repeat(43), token.secretHash)).to.equal(false);
    for (const value of ['', 'x.y', `${token.rowId}.${'A'.repeat(42)}`, `${token.refreshToken}.`, 'a.b.c']) {
      expect(readRefreshToken(value), value).to.equal(null);
    }
  });
});
