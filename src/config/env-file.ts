import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import dotenv from 'dotenv';

const ENV_FILE = '.env';

/**
 * The process environment on top of `./.env` (real variables win). Tests never read `.env`, so a
 * developer's local file cannot change what they assert.
 */
export function readEnvironment(): Record<string, string | undefined> {
  if (process.env.NODE_ENV === 'test' || !existsSync(ENV_FILE)) return { ...process.env };
  return { ...dotenv.parse(readFileSync(ENV_FILE)), ...process.env };
}

/**
 * Writes a fresh random JWT_SECRET into `./.env`: fills an empty `JWT_SECRET=` line, or appends
 * one, or creates the file. Callers only do this when no secret is configured at all.
 */
export function writeGeneratedSecret(): void {
  // 48 random bytes = 384 bits, more than any HS algorithm's block needs.
  const line = `JWT_SECRET=${randomBytes(48).toString('base64url')}`;
  if (!existsSync(ENV_FILE)) {
    writeFileSync(ENV_FILE, `${line}\n`, { mode: 0o600 });
    return;
  }
  const current = readFileSync(ENV_FILE, 'utf8');
  const emptyLine = /^JWT_SECRET=[ \t]*$/m;
  const separator = current === '' || current.endsWith('\n') ? '' : '\n';
  const updated = emptyLine.test(current) ? current.replace(emptyLine, line) : `${current}${separator}${line}\n`;
  writeFileSync(ENV_FILE, updated);
}
