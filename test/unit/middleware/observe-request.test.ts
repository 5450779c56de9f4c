import { expect } from 'chai';
import Koa from 'koa';
import { Writable } from 'node:stream';
import { createLogger } from '../../../src/logger';
import type { AppState } from '../../../src/middleware/context';
import { createRequestObserver } from '../../../src/middleware/observe-request';
import { createMetrics } from '../../../src/metrics/metrics';
import { silentLogger } from '../../support/config';
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
    const ctx = new Koa<AppState>().createContext(
      { headers: {}, method: 'PUT', url: '/x?y=1', socket: {} } as never,
      {
        getHeader: () => undefined,
        setHeader: () => undefined,
      } as never,
    );
    ctx.state.requestId = 'req-9';

    const failure = new Error('error handler broke');
    const outcome = await observe(ctx, () => Promise.reject(failure)).catch((error: unknown) => error);

    expect(outcome).to.equal(failure);
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include({
      level: 50,
      msg: 'request',
      requestId: 'req-9',
      method: 'PUT',
      path: '/x',
      status: 500,
    });
    const text = await metrics.render();
    expect(sampleValue(text, 'http_requests_total', { method: 'PUT', route: 'unmatched', status: '500' })).to.equal(1);
  });
});
