import { expect } from 'chai';
import type Joi from 'joi';
import { loginSchema, passwordChangeSchema, signupSchema } from '../../../src/validators/auth.schemas';

/** The details withBody would answer for `body`: [field, message] pairs. */
function detailsOf(schema: Joi.ObjectSchema, body: unknown): string[][] {
  const { error } = schema.validate(body, { abortEarly: false, convert: true, errors: { wrap: { label: false } } });
  return (error?.details ?? []).map((detail) => [detail.path.join('.'), detail.message]);
}

describe('password rules', () => {
  const signup = (password: unknown) => detailsOf(signupSchema, { email: 'a@example.com', password, name: 'A' });

  // What bcrypt sees is bytes: each limit is checked in UTF-8 bytes, and each gives one detail.
  const cases: Array<[string, string, string]> = [
    ['7 bytes', 'short12', 'password must be at least 8 bytes'],
    ['3 characters of 2 bytes', 'ééé', 'password must be at least 8 bytes'],
    ['73 bytes', 'p'.repeat(73), 'password must be at most 72 bytes (UTF-8)'],
    ['37 characters of 74 bytes', 'é'.repeat(37), 'password must be at most 72 bytes (UTF-8)'],
    ['a NUL', 'password\u0000tail', 'password must not contain NUL characters'],
    ['too long and a NUL', `${'p'.repeat(80)}\u0000`, 'password must be at most 72 bytes (UTF-8)'],
    ['too short and a NUL', 'a\u0000', 'password must be at least 8 bytes'],
  ];
  for (const [label, password, message] of cases) {
    it(`refuses a password of ${label} with one detail`, () => {
      expect(signup(password)).to.deep.equal([['password', message]]);
    });
  }

  it('accepts 8 and 72 bytes, counted in UTF-8', () => {
    expect(signup('éééé')).to.deep.equal([]);
    expect(signup('é'.repeat(36))).to.deep.equal([]);
    expect(signup('p'.repeat(72))).to.deep.equal([]);
  });

  it('lets login and the current password be short, but not long', () => {
    expect(detailsOf(loginSchema, { email: 'a@example.com', password: 'x' })).to.deep.equal([]);
    expect(detailsOf(passwordChangeSchema, { current_password: 'x', new_password: 'x'.repeat(73) })).to.deep.equal([
      ['new_password', 'new_password must be at most 72 bytes (UTF-8)'],
    ]);
  });

  it('still reports the other fields next to a bad password', () => {
    const fields = detailsOf(signupSchema, { email: 'nope', password: 'x\u0000', name: '' }).map(([field]) => field);
    expect(fields).to.deep.equal(['email', 'password', 'name']);
  });
});
