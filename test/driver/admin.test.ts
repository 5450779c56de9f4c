import { expect } from 'chai';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuditEvent, User, WebhookDelivery } from '../../src/models';
import { bearer, loggedInAs } from '../support/admins';
import { TEST_SECRET } from '../support/config';
import { api, createUser, loggedInUser, uniqueEmail } from '../support/factories';
import { loginOn, refusedAfter, startInstances, stopInstances } from '../support/instances';
import { runApp } from '../support/processes';
import { startReceiver, webhookEnv } from '../support/webhook-receiver';

const ADMIN_PASSWORD = 'a long admin passphrase';

/** Runs `node app <args>` on the test database; stdin is a pipe, never a terminal. */
function driver(args: string[], env: Record<string, string> = {}) {
  return runApp(args, {
    cwd: tmpdir(),
    env: { ...process.env, NODE_ENV: 'test', JWT_SECRET: TEST_SECRET, BCRYPT_ROUNDS: '4', ...env },
  });
}

describe('node app --create-admin', () => {
  it('creates the admin with ADMIN_PASSWORD, prints one line, and changes nothing when run again', async () => {
    const email = uniqueEmail();
    const first = await driver(['--create-admin', email.toUpperCase()], { ADMIN_PASSWORD });
    expect(first.code, first.stderr).to.equal(0);
    const user = await User.findOne({ where: { email }, rejectOnEmpty: true });
    expect(first.stdout).to.equal(`created admin ${email} (user ${user.id})\n`);
    expect(user.role).to.equal('admin');
    await api().post('/auth/login').send({ email, password: ADMIN_PASSWORD }).expect(200);

    const again = await driver(['--create-admin', email], { ADMIN_PASSWORD });
    expect(again.stdout).to.equal(`already an admin: ${email} (user ${user.id})\n`);
    const events = await AuditEvent.findAll({ where: { targetUserId: user.id }, raw: true });
    expect(events.map((event) => [event.action, event.actorId])).to.deep.equal([['admin.created', null]]);
  });

  it('promotes an existing user without asking for a password', async () => {
    const { user } = await createUser();
    const outcome = await driver(['--create-admin', user.email]);
    expect(outcome.stdout).to.equal(`made admin ${user.email} (user ${user.id})\n`);
    expect((await User.findByPk(user.id, { rejectOnEmpty: true })).role).to.equal('admin');
  });

  it('refuses to create a user without ADMIN_PASSWORD when stdin is no terminal', async () => {
    const email = uniqueEmail();
    const outcome = await driver(['--create-admin', email]);
    expect(outcome.code).to.equal(1);
    expect(outcome.stderr).to.match(/^error: no user .*set ADMIN_PASSWORD or run on a terminal\n$/);
    expect(await User.count({ where: { email } })).to.equal(0);
  });
});

describe('node app --purge and the audit log', () => {
  it('deletes audit events older than AUDIT_RETENTION_DAYS and keeps the rest', async () => {
    const old = await AuditEvent.create({
      actorId: null,
      action: 'login.locked',
      targetUserId: null,
      requestId: null,
      ip: null,
      changes: null,
      createdAt: new Date(Date.now() - 11 * 86_400_000),
    });
    const recent = await AuditEvent.create({
      actorId: null,
      action: 'login.locked',
      targetUserId: null,
      requestId: null,
      ip: null,
      changes: null,
      createdAt: new Date(Date.now() - 9 * 86_400_000),
    });
    const outcome = await driver(['--purge'], { AUDIT_RETENTION_DAYS: '10' });
    expect(outcome.code, outcome.stderr).to.equal(0);
    expect(outcome.stdout).to.match(/and [1-9]\d* audit event\(s\) older than 10 day\(s\)/);
    expect(await AuditEvent.count({ where: { id: old.id } })).to.equal(0);
    expect(await AuditEvent.count({ where: { id: recent.id } })).to.equal(1);
  });
});

describe('admin changes across processes', () => {
  it('a user disabled through one instance is refused by another within REVOCATION_CACHE_TTL_MS', async () => {
    const servers = await startInstances(2, { REVOCATION_CACHE_TTL_MS: '1000' });
    try {
      const [first, second] = servers as [(typeof servers)[0], (typeof servers)[0]];
      const token = await loginOn(second);
      const victimId = Number(JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()).sub);
      const moderator = await loggedInAs('moderator');
      const since = Date.now();
      const disabled = await fetch(`${first.baseUrl}/admin/users/${victimId}`, {
        method: 'PATCH',
        headers: { Authorization: bearer(moderator.accessToken), 'Content-Type': 'application/json' },
        body: JSON.stringify({ disabled: true }),
      });
      expect(disabled.status).to.equal(200);
      const lagMs = await refusedAfter(second, token, since, 5000);
      expect(lagMs, 'refused at all').to.not.equal(null);
      expect(lagMs).to.be.at.most(1000 + 500);
    } finally {
      await stopInstances(servers);
    }
  });
});

describe('webhooks from a server process', () => {
  it('resends an event after the server was killed mid-delivery', async function () {
    this.timeout(60_000);
    await WebhookDelivery.update({ status: 'failed' }, { where: { status: 'pending' } });
    // The first request hangs: the server is killed while it waits for the answer.
    const receiver = await startReceiver((index) => (index === 0 ? 'hang' : 204));
    const env = webhookEnv(receiver.url, { WEBHOOK_TIMEOUT_MS: '2000' });
    try {
      const [first] = await startInstances(1, env);
      if (first === undefined) throw new Error('no server');
      const { user } = await loggedInUser();
      const admin = await loggedInAs('admin');
      const renamed = await fetch(`${first.baseUrl}/admin/users/${user.id}`, {
        method: 'PATCH',
        headers: { Authorization: bearer(admin.accessToken), 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'Killed mid-delivery' }),
      });
      expect(renamed.status).to.equal(200);
      while (receiver.received.length === 0) await sleep(20);
      first.child.kill('SIGKILL');
      await first.exited;

      const [second] = await startInstances(1, env);
      try {
        const deadline = Date.now() + 20_000;
        while (receiver.received.length < 2 && Date.now() < deadline) await sleep(50);
        const [sent, resent] = receiver.received;
        expect(resent?.id, 'resent').to.equal(sent?.id);
        expect(resent?.body).to.equal(sent?.body);
        const row = await WebhookDelivery.findOne({ where: { eventId: sent?.id ?? '' }, rejectOnEmpty: true });
        for (let round = 0; round < 100 && row.status !== 'delivered'; round += 1) {
          await sleep(50);
          await row.reload();
        }
        expect(row).to.include({ status: 'delivered', attempts: 2 });
      } finally {
        if (second !== undefined) await stopInstances([second]);
      }
    } finally {
      await receiver.close();
    }
  });
});
