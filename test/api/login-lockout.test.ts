import { expect } from 'chai';
import { randomInt } from 'node:crypto';
import { Op } from 'sequelize';
import { AuditEvent } from '../../src/models';
import { testSequelize } from '../support/database';
import { api, createUser, PASSWORD, uniqueEmail } from '../support/factories';
import { useRedisApps } from '../support/redis';

type Agent = ReturnType<typeof api>;

// Counters outlive each test: addresses of 198.18.235.0 to 198.18.255.255 (benchmarking range, above
// the ones test/api/rate-limit.test.ts counts through), each used once per run.
let nextAddress = randomInt(0, 21 * 256);
function fakeIp(): string {
  nextAddress = (nextAddress + 1) % (21 * 256);
  return `198.18.${235 + Math.floor(nextAddress / 256)}.${nextAddress % 256}`;
}

const LIMITS = { TRUST_PROXY: 'true', RATE_LIMIT_WINDOW_SECONDS: '60', RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT: '3' };

/** A login from an address of its own, so only the account's counter can refuse it. */
function attempt(app: Agent, email: string, password: string, ip = fakeIp()) {
  return app.post('/auth/login').set('X-Forwarded-For', ip).send({ email, password });
}

/** The id of the newest audit entry: what a test writes comes after it. */
async function lastAuditId(): Promise<number> {
  return (await AuditEvent.max<number | null, AuditEvent>('id')) ?? 0;
}

/** The `login.locked` entries written since `afterId` from any of `ips`. */
function lockoutsFrom(ips: string[], afterId: number): Promise<AuditEvent[]> {
  return AuditEvent.findAll({
    where: { action: 'login.locked', ip: { [Op.in]: ips }, id: { [Op.gt]: afterId } },
    order: [['id', 'ASC']],
  });
}

/**
 * The lockout scenarios, run once with the MySQL limiter and once with the Redis one: `apps()`
 * gives two instances sharing the limiter's store.
 */
function lockoutScenarios(apps: () => Promise<[Agent, Agent]>): void {
  it('records one login.locked for the failure that used the last attempt, with the user as target and no password', async () => {
    const [app] = await apps();
    const { user } = await createUser();
    const ips = [fakeIp(), fakeIp(), fakeIp(), fakeIp(), fakeIp()];
    const since = await lastAuditId();
    const statuses = [];
    for (const ip of ips) statuses.push((await attempt(app, user.email, 'wrong password', ip)).status);

    expect(statuses).to.deep.equal([401, 401, 401, 429, 429]);
    const events = await lockoutsFrom(ips, since);
    expect(events).to.have.length(1);
    expect(events[0]).to.include({ actorId: null, targetUserId: user.id, ip: ips[2], changes: null });
    expect(events[0]?.requestId).to.be.a('string').and.have.length.greaterThan(0);
    const stored = JSON.stringify(events[0]?.get({ plain: true }));
    expect(stored).to.not.include('wrong password');
    expect(stored).to.not.include(user.passwordHash);
  });

  it('records one login.locked, without a target, for an email with no account, and answers it like a known one', async () => {
    const [app] = await apps();
    const { user } = await createUser();
    const unknownIps = [fakeIp(), fakeIp(), fakeIp(), fakeIp()];
    const knownIps = [fakeIp(), fakeIp(), fakeIp(), fakeIp()];
    const email = uniqueEmail();
    const since = await lastAuditId();
    const unknown = [];
    const known = [];
    for (const [index, ip] of unknownIps.entries()) {
      unknown.push(await attempt(app, email, 'wrong password', ip));
      known.push(await attempt(app, user.email, 'wrong password', knownIps[index]));
    }

    expect(unknown.map(({ status, body }: { status: number; body: unknown }) => ({ status, body }))).to.deep.equal(
      known.map(({ status, body }: { status: number; body: unknown }) => ({ status, body })),
    );
    const events = await lockoutsFrom(unknownIps, since);
    expect(events.map(({ targetUserId, ip }) => ({ targetUserId, ip }))).to.deep.equal([
      { targetUserId: null, ip: unknownIps[2] },
    ]);
    expect(JSON.stringify(events[0]?.get({ plain: true }))).to.not.include(email);
  });

  it('records one login.locked for twelve concurrent wrong passwords on two instances', async () => {
    const [first, second] = await apps();
    const { user } = await createUser();
    const ips = Array.from({ length: 12 }, fakeIp);
    const answers = await Promise.all(
      ips.map((ip, index) => attempt(index % 2 === 0 ? first : second, user.email, 'wrong password', ip)),
    );

    expect(answers.filter(({ status }) => status === 401)).to.have.length(3);
    expect(answers.filter(({ status }) => status === 429)).to.have.length(9);
    expect(await AuditEvent.count({ where: { action: 'login.locked', targetUserId: user.id } })).to.equal(1);
  });

  it('records none when a right password ends the run of failures before the limit', async () => {
    const [app] = await apps();
    const { user } = await createUser();
    const statuses = [];
    for (const password of ['wrong', 'wrong', PASSWORD, 'wrong', 'wrong'])
      statuses.push((await attempt(app, user.email, password)).status);

    expect(statuses).to.deep.equal([401, 401, 200, 401, 401]);
    expect(await AuditEvent.count({ where: { action: 'login.locked', targetUserId: user.id } })).to.equal(0);
  });
}

describe('login.locked with the MySQL limiter', () => {
  lockoutScenarios(() => Promise.resolve([api(LIMITS), api(LIMITS)]));
});

describe('login.locked with the Redis limiter (REDIS_URL set)', function () {
  this.timeout(30_000);
  const { instance } = useRedisApps(LIMITS, (keys) => {
    // The counters lived in Redis, under this test's prefix.
    expect(keys.some((key) => key.includes('loginFailuresPerAccount'))).to.equal(true);
  });

  lockoutScenarios(async () => [await instance(), await instance()]);

  it('writes no rate_limits row to MySQL for a lockout', async () => {
    const app = await instance();
    const { user } = await createUser();
    const before = await testSequelize().query('SELECT COUNT(*) AS count FROM rate_limits', { plain: true });
    for (let index = 0; index < 4; index += 1) await attempt(app, user.email, 'wrong password');
    const after = await testSequelize().query('SELECT COUNT(*) AS count FROM rate_limits', { plain: true });

    expect(await AuditEvent.count({ where: { action: 'login.locked', targetUserId: user.id } })).to.equal(1);
    expect(after).to.deep.equal(before);
  });
});
