import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { addSigningKey, retireSupersededKeys } from '../../../src/services/key-rotation';
import { createDatabaseKeyStore, ON_DEMAND_LOADS_PER_SECOND } from '../../../src/services/keys.service';
import { silentLogger } from '../../support/config';
import { createFakeSigningKeys } from '../../support/fake-signing-keys';

const ENCRYPTION_KEY = randomBytes(32);
const settings = { algorithm: 'ES256' as const, encryptionKey: ENCRYPTION_KEY, refreshSeconds: 60 };

describe('database key store', () => {
  it('answers a flood of random kids with a bounded number of queries', async () => {
    const table = createFakeSigningKeys();
    await addSigningKey(table, 'ES256', ENCRYPTION_KEY);
    const keys = createDatabaseKeyStore(table, settings, silentLogger);
    await keys.ready();

    const flood = Array.from({ length: 2000 }, () => randomBytes(32).toString('base64url'));
    const answers = await Promise.all(flood.map((kid) => keys.verificationKey(kid)));
    expect(answers.every((answer) => answer === null)).to.equal(true);
    expect(table.reads.findByKid).to.be.at.most(ON_DEMAND_LOADS_PER_SECOND);

    // The same unknown kid, many times at once and again later: one query, then none.
    const before = table.reads.findByKid;
    await sleep(1000);
    const repeated = randomBytes(32).toString('base64url');
    await Promise.all(Array.from({ length: 500 }, () => keys.verificationKey(repeated)));
    await keys.verificationKey(repeated);
    expect(table.reads.findByKid - before).to.equal(1);

    // Malformed kids never reach the table.
    const beforeMalformed = table.reads.findByKid;
    await Promise.all(['', 'a b', 'x'.repeat(65), '../../etc'].map((kid) => keys.verificationKey(kid)));
    expect(table.reads.findByKid).to.equal(beforeMalformed);
    expect(table.reads.listUnretired).to.equal(1);
  });

  it('loads a kid added after its last read on demand, and forgets a retired one at once', async () => {
    const table = createFakeSigningKeys();
    const first = await addSigningKey(table, 'ES256', ENCRYPTION_KEY);
    const keys = createDatabaseKeyStore(table, settings, silentLogger);
    await keys.ready();
    const second = await addSigningKey(table, 'ES256', ENCRYPTION_KEY, new Date(Date.now() + 1));
    expect((await keys.verificationKey(second))?.algorithm).to.equal('ES256');
    expect((await keys.signingKey()).kid).to.equal(first);

    await sleep(5);
    const retired = await retireSupersededKeys(table, 'ES256', 0);
    expect(retired).to.deep.equal([first]);
    keys.forgetKeys(retired);
    expect(keys.isUsable(first)).to.equal(false);
    expect(await keys.verificationKey(first)).to.equal(null);
    expect(keys.publicJwks().map(({ kid }) => kid)).to.deep.equal([second]);
  });

  it('asks nothing of a verification while its keys are fresh, and re-reads them once when stale', async () => {
    const table = createFakeSigningKeys();
    await addSigningKey(table, 'ES256', ENCRYPTION_KEY);
    const keys = createDatabaseKeyStore(table, { ...settings, refreshSeconds: 1 }, silentLogger);
    await keys.ready();
    expect(keys.refreshed()).to.equal(null);
    expect(table.reads.listUnretired).to.equal(1);

    await sleep(1100);
    // Two verifications at once: both wait, for one re-read.
    const first = keys.refreshed();
    const second = keys.refreshed();
    expect(first).to.be.instanceOf(Promise);
    expect(second).to.be.instanceOf(Promise);
    await first;
    await second;
    expect(table.reads.listUnretired).to.equal(2);
    expect(keys.refreshed()).to.equal(null);
  });

  it('keeps its keys when a re-read fails: refreshed() resolves all the same', async () => {
    const table = createFakeSigningKeys();
    const kid = await addSigningKey(table, 'ES256', ENCRYPTION_KEY);
    let failing = false;
    const listUnretired = () => (failing ? Promise.reject(new Error('connection lost')) : table.listUnretired());
    const keys = createDatabaseKeyStore({ ...table, listUnretired }, { ...settings, refreshSeconds: 1 }, silentLogger);
    await keys.ready();
    failing = true;
    await sleep(1100);
    await keys.refreshed();
    expect(keys.isUsable(kid)).to.equal(true);
  });

  it('refuses to start without a key of its algorithm', async () => {
    const keys = createDatabaseKeyStore(createFakeSigningKeys(), settings, silentLogger);
    const failure = await keys.ready().then(
      () => null,
      (error: unknown) => error,
    );
    expect(String(failure)).to.include('no ES256 key in signing_keys');
  });
});
