import { expect } from 'chai';
import { Writable } from 'node:stream';
import pino from 'pino';
import { createLogger } from '../../src/logger';
import { User } from '../../src/models';
import { createUser } from '../support/factories';

/** A destination that keeps everything written to it. */
function memory() {
  const stream = { text: '' };
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      stream.text += chunk.toString();
      done();
    },
  });
  return { destination, written: () => stream.text };
}

describe('createLogger', () => {
  it('censors credentials wherever a body, headers or input object would carry them', () => {
    const { destination, written } = memory();
    createLogger({ logLevel: 'info' }, destination).info(
      {
        password: 'top-level-secret',
        body: { email: 'a@example.com', password: 'body-secret', refresh_token: 'refresh-secret' },
        input: { current_password: 'current-secret', new_password: 'new-secret' },
        req: { headers: { authorization: 'Bearer header-secret', cookie: 'sid=cookie-secret', host: 'example.com' } },
        res: { headers: { 'set-cookie': 'sid=set-cookie-secret' } },
      },
      'oops',
    );
    expect(written()).to.not.match(/secret/);
    expect(written()).to.include('a@example.com').and.include('example.com');
    expect(written().match(/\[Redacted\]/g)).to.have.length(8);
  });

  it('censors the bound values of a failed SQL statement, which hold the password hash', async () => {
    const { user } = await createUser();
    const passwordHash = '$2b$04$thisIsTheHashThatMustNotBeLoggedAtAll012345678901234';
    const error = await User.create({ email: user.email, name: 'Twin', passwordHash }).catch(
      (caught: unknown) => caught,
    );

    const unredacted = memory();
    pino({}, unredacted.destination).error({ err: error }, 'insert failed');
    expect(unredacted.written()).to.include(passwordHash);
    const { destination, written } = memory();
    createLogger({ logLevel: 'info' }, destination).error({ err: error }, 'insert failed');
    expect(written()).to.include('SequelizeUniqueConstraintError').and.not.include(passwordHash);
  });
});
