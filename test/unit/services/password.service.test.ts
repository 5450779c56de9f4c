import { expect } from 'chai';
import bcrypt from 'bcrypt';
import { createPasswordHasher } from '../../../src/services/password.service';
import { bcryptCompareCosts } from '../../support/bcrypt-compares';

describe('password hasher', () => {
  const hasher = createPasswordHasher(5);

  it('spends one bcrypt compare at the configured cost when there is no hash (unknown email)', async () => {
    let matches: boolean | null = null;
    const costs = await bcryptCompareCosts(async () => {
      matches = await hasher.verify('any password', null);
    });
    expect(matches).to.equal(false);
    expect(costs).to.deep.equal([5]);
  });

  it('spends the same single compare on a real hash, right or wrong', async () => {
    const passwordHash = await bcrypt.hash('right password', 5);
    const results: boolean[] = [];
    const costs = await bcryptCompareCosts(async () => {
      results.push(await hasher.verify('right password', passwordHash));
      results.push(await hasher.verify('wrong password', passwordHash));
    });
    expect(results).to.deep.equal([true, false]);
    expect(costs).to.deep.equal([5, 5]);
  });
});
