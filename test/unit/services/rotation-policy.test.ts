import { expect } from 'chai';
import { judgeRefresh, type RefreshVerdict } from '../../../src/services/rotation-policy';

const NOW = new Date('2026-06-01T12:00:00.000Z');
const secondsAgo = (seconds: number): Date => new Date(NOW.getTime() - seconds * 1000);
const LATER = new Date(NOW.getTime() + 60_000);

describe('judgeRefresh', () => {
  const cases: Array<[string, Parameters<typeof judgeRefresh>[0], RefreshVerdict]> = [
    ['a live, unexpired row', { revokedAt: null, reason: null, expiresAt: LATER }, 'rotate'],
    ['a row rotated 10 s ago', { revokedAt: secondsAgo(10), reason: 'rotated', expiresAt: LATER }, 'raced'],
    ['a row rotated exactly 30 s ago', { revokedAt: secondsAgo(30), reason: 'rotated', expiresAt: LATER }, 'raced'],
    ['a row rotated 31 s ago', { revokedAt: secondsAgo(31), reason: 'rotated', expiresAt: LATER }, 'replayed'],
    ['a rotated row, even expired', { revokedAt: secondsAgo(90), reason: 'rotated', expiresAt: NOW }, 'replayed'],
    ['a row revoked by logout', { revokedAt: secondsAgo(1), reason: 'logout', expiresAt: LATER }, 'revoked'],
    ['a revoked and expired row', { revokedAt: secondsAgo(1), reason: 'logout_all', expiresAt: NOW }, 'revoked'],
    ['a live row expiring now', { revokedAt: null, reason: null, expiresAt: NOW }, 'expired'],
  ];
  for (const [name, row, verdict] of cases) {
    it(`${verdict} for ${name} (grace 30 s)`, () => {
      expect(judgeRefresh(row, NOW, 30)).to.equal(verdict);
    });
  }
});
