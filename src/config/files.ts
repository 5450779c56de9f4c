import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Joi from 'joi';
import { ConfigError, type ConfigKey } from './declare';

/**
 * A path to a readable PEM file holding `what` (its BEGIN line matches `marker`). The rule reads the
 * file once, at startup, and the server gets its text: the file is never read twice, and what was
 * checked is what is used. Hence string<string>: a path in, PEM text out.
 */
function pemFile(marker: RegExp, what: string): Joi.StringSchema {
  return Joi.string()
    .max(4096)
    .custom((path: string, helpers) => {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (error) {
        const reason = error instanceof Error && 'code' in error ? String(error.code) : String(error);
        return helpers.error('file.unreadable', { reason });
      }
      return marker.test(text) ? text : helpers.error('file.notPem');
    })
    .messages({
      'file.unreadable': '{{#label}} cannot be read ({{#reason}})',
      'file.notPem': `{{#label}} holds no PEM ${what}`,
    });
}

/** One or more certificates (a CA bundle, or a client certificate and its chain). */
export const pemCertificates = pemFile(/-----BEGIN CERTIFICATE-----/, 'certificate (-----BEGIN CERTIFICATE-----)');

/** A private key, in PKCS#8 or the RSA and EC forms openssl writes. */
export const pemPrivateKey = pemFile(
  /-----BEGIN (?:RSA |EC )?PRIVATE KEY-----/,
  'private key (-----BEGIN PRIVATE KEY-----)',
);

/** A certificate and its private key (PEM) to show a server that asks for one. */
export type ClientCertificate = Readonly<{ cert: string; key: string }>;

/**
 * The client certificate and key of two keys (`DATABASE_TLS_CERT` and `DATABASE_TLS_KEY`), both or
 * neither, checked to belong together now rather than at the first connection.
 */
export function clientCertificate(
  cert: { name: string; pem: string | undefined },
  key: { name: string; pem: string | undefined },
): ClientCertificate | null {
  if (cert.pem === undefined && key.pem === undefined) return null;
  if (cert.pem === undefined || key.pem === undefined) {
    throw new ConfigError(`invalid configuration: ${cert.name} and ${key.name} go together`);
  }
  let matches: boolean;
  try {
    matches = new X509Certificate(cert.pem).checkPrivateKey(createPrivateKey(key.pem));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`invalid configuration: ${cert.name} or ${key.name} cannot be read as PEM (${reason})`);
  }
  if (!matches) throw new ConfigError(`invalid configuration: ${key.name} is not the key of ${cert.name}`);
  return Object.freeze({ cert: cert.pem, key: key.pem });
}

/** The name of the key that names a file holding `key`'s value. */
export const fileKeyOf = (key: string): string => `${key}_FILE`;

/**
 * `env` with every `<KEY>_FILE` of a key that allows one replaced by the file's text, less one
 * final line break (`echo` and editors add one; a secret never ends with one). Problems are
 * returned, not thrown, so that one error can name them with every other bad key. The text is
 * never put in a message: it is a secret.
 */
export function readFileKeys(
  env: Readonly<Record<string, string>>,
  declarations: Readonly<Record<string, ConfigKey<unknown>>>,
): { env: Record<string, string>; problems: string[] } {
  const fileKeys = new Set(
    Object.entries(declarations).flatMap(([key, { fromFile }]) => (fromFile ? [fileKeyOf(key)] : [])),
  );
  const resolved = Object.fromEntries(Object.entries(env).filter(([key]) => !fileKeys.has(key)));
  const problems: string[] = [];
  for (const key of Object.keys(declarations)) {
    const fileKey = fileKeyOf(key);
    const path = env[fileKey];
    if (!fileKeys.has(fileKey) || path === undefined) continue;
    // Two sources for one secret: which one wins would be a guess, and a wrong guess is silent.
    if (env[key] !== undefined) {
      problems.push(`set ${key} or ${fileKey}, not both`);
      continue;
    }
    let text: string;
    try {
      text = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      const reason = error instanceof Error && 'code' in error ? String(error.code) : String(error);
      problems.push(`${fileKey} cannot be read (${reason})`);
      continue;
    }
    if (text === '') problems.push(`${fileKey} names an empty file`);
    else resolved[key] = text;
  }
  return { env: resolved, problems };
}
