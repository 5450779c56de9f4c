import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { Op } from 'sequelize';
import { WebhookDelivery } from '../../src/models';
import { createDatabase } from '../../src/repositories';
import { startWebhookWorker } from '../../src/services/webhook.service';
import { bearer, loggedInAs } from '../support/admins';
import { ADAPTER_SECRET, silentLogger, testConfig } from '../support/config';
import { testSequelize } from '../support/database';
import { api, PASSWORD, uniqueEmail } from '../support/factories';
import { startReceiver, verifyWebhook, WEBHOOK_SECRET, webhookEnv, type Answer } from '../support/webhook-receiver';

/** Marks what earlier tests left pending as failed, so each test sends only its own events. */
async function settleOutbox(): Promise<void> {
  await WebhookDelivery.update({ status: 'failed' }, { where: { status: 'pending' } });
}

/** A receiver, an app configured for it, and a worker run by hand (`runOnce`). */
async function setUp(answer?: Answer, extra: Record<string, string> = {}) {
  await settleOutbox();
  const receiver = await startReceiver(answer);
  const env = webhookEnv(receiver.url, extra);
  const settings = testConfig(env).webhooks;
  if (settings === null) throw new Error('webhooks are not configured');
  const worker = () => startWebhookWorker(createDatabase(testSequelize()), settings, silentLogger, { poll: false });
  return { receiver, app: api(env), worker };
}

/** Runs the worker until nothing is due or pending for `eventIds`' rows (bounded). */
async function drain(run: () => Promise<number>, until: () => Promise<boolean>): Promise<void> {
  for (let round = 0; round < 200 && !(await until()); round += 1) {
    if ((await run()) === 0) await sleep(20);
  }
}

const pendingCount = () => WebhookDelivery.count({ where: { status: 'pending' } });

describe('webhooks', () => {
  it('POSTs user.created for a signup, signed over timestamp and body, and records the delivery', async () => {
    const { receiver, app, worker } = await setUp();
    try {
      const email = uniqueEmail();
      await app.post('/auth/signup').send({ email, password: PASSWORD, name: 'Hook' }).expect(201);
      expect(await worker().runOnce()).to.equal(1);
      const [webhook] = receiver.received;
      expect(webhook?.event.type).to.equal('user.created');
      expect(webhook?.event.data.user).to.deep.include({ email, name: 'Hook', role: 'user', disabled: false });
      expect(webhook?.body).to.not.include('$2b$').and.not.include(PASSWORD);
      expect(verifyWebhook(webhook?.body ?? '', webhook?.signature ?? '', WEBHOOK_SECRET)).to.equal(true);
      expect(webhook?.signature).to.match(new RegExp(`^t=${webhook?.timestamp},v1=[0-9a-f]{64}$`));
      // A forgery, and the same signature over another body, fail the check.
      expect(verifyWebhook(webhook?.body ?? '', webhook?.signature ?? '', `${WEBHOOK_SECRET}x`)).to.equal(false);
      expect(verifyWebhook(`${webhook?.body ?? ''} `, webhook?.signature ?? '', WEBHOOK_SECRET)).to.equal(false);
      const row = await WebhookDelivery.findOne({ where: { eventId: webhook?.id ?? '' }, rejectOnEmpty: true });
      expect(row).to.include({ status: 'delivered', attempts: 1, lastStatusCode: 204, type: 'user.created' });
    } finally {
      await receiver.close();
    }
  });

  it('retries after 500s with growing waits, then records the success; gives up after WEBHOOK_MAX_ATTEMPTS', async () => {
    const { receiver, app, worker } = await setUp((index) => (index < 2 ? 500 : 204));
    try {
      await app.post('/auth/signup').send({ email: uniqueEmail(), password: PASSWORD, name: 'Retry' }).expect(201);
      const sender = worker();
      await drain(
        () => sender.runOnce(),
        async () => (await pendingCount()) === 0,
      );
      expect(receiver.received.map((webhook) => webhook.id)).to.have.length(3);
      expect(new Set(receiver.received.map((webhook) => webhook.id)).size).to.equal(1);
      const row = await WebhookDelivery.findOne({
        where: { eventId: receiver.received[0]?.id ?? '' },
        rejectOnEmpty: true,
      });
      expect(row).to.include({ status: 'delivered', attempts: 3, lastStatusCode: 204 });
    } finally {
      await receiver.close();
    }
    const failing = await setUp(() => 500, { WEBHOOK_MAX_ATTEMPTS: '2' });
    try {
      await failing.app.post('/auth/signup').send({ email: uniqueEmail(), password: PASSWORD, name: 'X' }).expect(201);
      const failingSender = failing.worker();
      await drain(
        () => failingSender.runOnce(),
        async () => (await pendingCount()) === 0,
      );
      expect(failing.receiver.received).to.have.length(2);
      const row = await WebhookDelivery.findOne({
        where: { eventId: failing.receiver.received[0]?.id ?? '' },
        rejectOnEmpty: true,
      });
      expect(row).to.include({ status: 'failed', attempts: 2, lastStatusCode: 500, lastError: 'HTTP 500' });
      const admin = await loggedInAs('admin');
      const list = await api()
        .get('/admin/webhooks/deliveries?limit=1')
        .set('Authorization', bearer(admin.accessToken));
      expect(list.body.deliveries[0]).to.include({ event_id: row.eventId, status: 'failed', attempts: 2 });
    } finally {
      await failing.receiver.close();
    }
  });

  it('records a 2xx as delivered without reading its body: a 64 MB answer is cut off, not waited for', async () => {
    // A long timeout, so that only a sender that stops reading finishes promptly.
    const { receiver, app, worker } = await setUp(() => 'stream', { WEBHOOK_TIMEOUT_MS: '10000' });
    try {
      await app.post('/auth/signup').send({ email: uniqueEmail(), password: PASSWORD, name: 'Big' }).expect(201);
      const started = Date.now();
      expect(await worker().runOnce()).to.equal(1);
      expect(Date.now() - started).to.be.below(2000);
      expect(await receiver.streamed[0]).to.equal('cut off');
      const row = await WebhookDelivery.findOne({
        where: { eventId: receiver.received[0]?.id ?? '' },
        rejectOnEmpty: true,
      });
      expect(row).to.include({ status: 'delivered', attempts: 1, lastStatusCode: 200, lastError: null });
    } finally {
      await receiver.close();
    }
  });

  it("sends one user's events in order: a later one waits while an earlier one is retried", async () => {
    const { receiver, app, worker } = await setUp((index) => (index === 0 ? 500 : 204));
    try {
      const email = uniqueEmail();
      const signup = await app.post('/auth/signup').send({ email, password: PASSWORD, name: 'First' }).expect(201);
      const admin = await loggedInAs('admin');
      const id = signup.body.user.id as number;
      await app
        .patch(`/admin/users/${id}`)
        .set('Authorization', bearer(admin.accessToken))
        .send({ name: 'Second' })
        .expect(200);
      await app
        .patch(`/admin/users/${id}`)
        .set('Authorization', bearer(admin.accessToken))
        .send({ disabled: true })
        .expect(200);
      const sender = worker();
      await drain(
        () => sender.runOnce(),
        async () => (await pendingCount()) === 0,
      );
      const types = receiver.received.map((webhook) => webhook.event.type);
      expect(types).to.deep.equal(['user.created', 'user.created', 'user.updated', 'user.disabled']);
      expect(receiver.received[2]?.event.data.changes).to.deep.equal({ name: { from: 'First', to: 'Second' } });
    } finally {
      await receiver.close();
    }
  });

  it('never lets two workers send one event at once, and sends each event once when all succeed', async () => {
    const { receiver, app, worker } = await setUp();
    try {
      await Promise.all(
        Array.from({ length: 20 }, (_, n) =>
          app
            .post('/auth/signup')
            .send({ email: uniqueEmail(), password: PASSWORD, name: `Many ${n}` })
            .expect(201),
        ),
      );
      const [first, second] = [worker(), worker()];
      await drain(
        async () => (await Promise.all([first.runOnce(), second.runOnce()])).reduce((a, b) => a + b, 0),
        async () => (await pendingCount()) === 0,
      );
      const ids = receiver.received.map((webhook) => webhook.id);
      expect(ids).to.have.length(20);
      expect(new Set(ids).size).to.equal(20);
      expect(receiver.maxConcurrentPerEvent()).to.equal(1);
      expect(await WebhookDelivery.count({ where: { eventId: { [Op.in]: ids }, status: 'delivered' } })).to.equal(20);
    } finally {
      await receiver.close();
    }
  });

  it('queues user.created, user.updated and user.deleted for users the Auth.js adapter makes, changes and deletes', async () => {
    await settleOutbox();
    const app = api(webhookEnv('http://127.0.0.1:9/unused'));
    const adapter = (request: ReturnType<typeof app.post>) => request.set('X-Auth-Secret', ADAPTER_SECRET);
    const email = uniqueEmail();
    const created = await adapter(app.post('/adapter/users')).send({ email, name: 'Via Auth.js' }).expect(200);
    const id = created.body.id as string;
    const moved = uniqueEmail();
    await adapter(app.patch('/adapter/users')).send({ id, email: moved }).expect(200);
    await adapter(app.delete(`/adapter/users/${id}`)).expect(204);
    const rows = await WebhookDelivery.findAll({ where: { userId: Number(id) }, order: [['id', 'ASC']] });
    expect(rows.map((row) => row.type)).to.deep.equal(['user.created', 'user.updated', 'user.deleted']);
    expect(
      rows.map((row) => (JSON.parse(row.body) as { data: { user: { email: string } } }).data.user.email),
    ).to.deep.equal([email, moved, moved]);
  });

  it('queues nothing when WEBHOOK_URL is unset', async () => {
    await settleOutbox();
    const before = await WebhookDelivery.count();
    await api().post('/auth/signup').send({ email: uniqueEmail(), password: PASSWORD, name: 'Quiet' }).expect(201);
    expect(await WebhookDelivery.count()).to.equal(before);
  });
});
