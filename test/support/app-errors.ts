import { expect } from 'chai';
import { AppError } from '../../src/errors/app-error';
import type { ErrorCode } from '../../src/errors/catalogue';

/** Expects `promise` to reject with an AppError of `code`; returns that error. */
export async function expectAppError(promise: Promise<unknown>, code: ErrorCode): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (rejection: unknown) => rejection,
  );
  expect(error, `expected ${code}`).to.be.instanceOf(AppError);
  expect((error as AppError).code).to.equal(code);
  return error as AppError;
}
