import { expect } from 'chai';
import { Writable } from 'node:stream';
import { createLogger } from '../../../src/logger';
import { createRequestObserver } from '../../../src/middleware/observe-request';
import { createMetrics } from '../../../src/metrics/metrics';
import { silentLogger } from '../../support/config';
import { FAKE_REQUEST_ID, fakeContext } from '../../support/koa-context';
import { sampleValue } from '../../support/metrics';

describe('request observer middleware', () => {
  it('logs and counts a 500 when an error escapes the error handler, and rethrows it', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const metrics = createMetrics({ countLiveBlockedTokens: () => Promise.resolve(0), logger: silentLogger });
    const observe = createRequestObserver(createLogger({ logLevel: 'info' }, destination), metrics);
    const ctx = fakeContext({ method: 'PUT', url: '/x?y=1' });

    const failure = new Error('error handler broke');
    const outcome = await observe(ctx, () => Promise.reject(failure)).catch((error: unknown) => error);

    expect(outcome).to.equal(failure);
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include({
      level: 50,
      msg: 'request',
      requestId: FAKE_REQUEST_ID,
      method: 'PUT',
      path: '/x',
      status: 500,
    });
    const text = await metrics.render();
    expect(sampleValue(text, 'http_requests_total', { method: 'PUT', route: 'unmatched', status: '500' })).to.equal(1);
  });
});
