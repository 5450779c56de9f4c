import { expect } from 'chai';
import Joi from 'joi';
import { withParams } from '../../../src/middleware/validate';
import { fakeContext } from '../../support/koa-context';

describe('withParams', () => {
  const schema = Joi.object<{ id: string }, true>({ id: Joi.string().trim().max(3).required() });

  it('hands the controller the validated, normalised parameters', async () => {
    const ctx = Object.assign(fakeContext(), { params: { id: ' ab ' } });
    let received: unknown = null;
    await withParams(schema, (_ctx, params) => {
      received = params;
      return Promise.resolve();
    })(ctx);
    expect(received).to.deep.equal({ id: 'ab' });
  });

  it('answers 400 VALIDATION_FAILED naming the parameter, without calling the controller', async () => {
    const ctx = Object.assign(fakeContext(), { params: { id: 'abcd' } });
    let called = false;
    const failure: unknown = await withParams(schema, () => {
      called = true;
      return Promise.resolve();
    })(ctx).catch((error: unknown) => error);
    expect(failure).to.include({ code: 'VALIDATION_FAILED', status: 400 });
    expect(failure).to.have.deep.property('details', [
      { field: 'id', message: 'id length must be less than or equal to 3 characters long' },
    ]);
    expect(called).to.equal(false);
  });
});
