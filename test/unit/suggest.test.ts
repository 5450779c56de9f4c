import { expect } from 'chai';
import { closestName, editDistance } from '../../src/suggest';

describe('editDistance and closestName', () => {
  it('counts insertions, deletions, substitutions and neighbour swaps as one edit each', () => {
    expect(editDistance('', '')).to.equal(0);
    expect(editDistance('abc', '')).to.equal(3);
    expect(editDistance('SECRET', 'SECERT')).to.equal(1);
    expect(editDistance('server', 'sever')).to.equal(1);
    expect(editDistance('PER_IP', 'PERIP')).to.equal(1);
    expect(editDistance('kitten', 'sitting')).to.equal(3);
  });

  it('picks the closest known name within about one edit per four characters, ignoring case', () => {
    expect(closestName('--sever', ['--server', '--seed'])).to.equal('--server');
    expect(closestName('jwt_secret', ['JWT_SECRET'])).to.equal('JWT_SECRET');
    expect(closestName('HOME', ['HOST', 'PORT'])).to.equal(null);
    expect(closestName('RATE_LIMIT_LOGIN_PERIP', ['RATE_LIMIT_LOGIN_PER_IP', 'RATE_LIMIT_SIGNUP_PER_IP'])).to.equal(
      'RATE_LIMIT_LOGIN_PER_IP',
    );
  });
});
