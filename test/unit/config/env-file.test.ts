import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import dotenv from 'dotenv';
import { writeGeneratedSecret } from '../../../src/config/env-file';

describe('writeGeneratedSecret', () => {
  const original = process.cwd();
  afterEach(() => {
    process.chdir(original);
  });

  function inTempDir(): string {
    const directory = mkdtempSync(path.join(tmpdir(), 'env-file-'));
    process.chdir(directory);
    return directory;
  }

  it('creates .env with a 64-character secret, readable only by its owner', () => {
    const directory = inTempDir();
    writeGeneratedSecret();
    const values = dotenv.parse(readFileSync(path.join(directory, '.env')));
    expect(values.JWT_SECRET).to.match(/^[A-Za-z0-9_-]{64}$/);
  });

  it('fills an empty JWT_SECRET= line and keeps every other line', () => {
    const directory = inTempDir();
    writeFileSync('.env', 'PORT=4000\nJWT_SECRET=\nLOG_LEVEL=debug\n');
    writeGeneratedSecret();
    const text = readFileSync(path.join(directory, '.env'), 'utf8');
    expect(text.match(/JWT_SECRET=/g)).to.have.length(1);
    expect(dotenv.parse(text)).to.include({ PORT: '4000', LOG_LEVEL: 'debug' });
    expect(dotenv.parse(text).JWT_SECRET).to.have.length(64);
  });

  it('appends a line to a .env without one, adding the missing newline', () => {
    inTempDir();
    writeFileSync('.env', 'PORT=4000');
    writeGeneratedSecret();
    const values = dotenv.parse(readFileSync('.env'));
    expect(values.PORT).to.equal('4000');
    expect(values.JWT_SECRET).to.have.length(64);
  });
});
