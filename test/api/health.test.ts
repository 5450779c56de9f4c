import { expect } from 'chai';
import { testSequelize } from '../support/database';
import { api } from '../support/factories';

describe('health probes', () => {
  it('GET /health/live answers 200 without touching the database', async () => {
    const response = await api().get('/health/live');
    expect(response.status).to.equal(200);
    expect(response.body).to.deep.equal({ status: 'live' });
  });

  it('GET /health/ready answers 200 when MySQL answers and no migration is pending', async () => {
    const response = await api().get('/health/ready');
    expect(response.status).to.equal(200);
    expect(response.body).to.deep.equal({ status: 'ready' });
  });

  it('GET /health/ready answers 503 naming the pending migrations when the schema is behind', async () => {
    const sequelize = testSequelize();
    const [rows] = await sequelize.query('SELECT name FROM SequelizeMeta ORDER BY name DESC LIMIT 1');
    const latest = (rows as Array<{ name: string }>)[0]?.name ?? '';
    await sequelize.query('DELETE FROM SequelizeMeta WHERE name = ?', { replacements: [latest] });
    try {
      const response = await api().get('/health/ready');
      expect(response.status).to.equal(503);
      expect(response.body.error.code).to.equal('SERVICE_UNAVAILABLE');
      expect(response.body.error.details).to.deep.equal([{ field: 'migrations', message: '1 migration(s) pending' }]);
    } finally {
      await sequelize.query('INSERT INTO SequelizeMeta (name) VALUES (?)', { replacements: [latest] });
    }
  });

  it('answers 405 for a POST to a probe', async () => {
    const response = await api().post('/health/ready');
    expect(response.status).to.equal(405);
  });
});
