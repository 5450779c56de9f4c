import { readFileSync } from 'node:fs';
import Joi from 'joi';

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
