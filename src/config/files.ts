import { readFileSync } from 'node:fs';
import Joi from 'joi';

/** A readable file of PEM certificates; the path is kept, the server reads the file once at startup. */
export const pemCertificates = Joi.string()
  .max(4096)
  .custom((path: string, helpers) => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      const reason = error instanceof Error && 'code' in error ? String(error.code) : String(error);
      return helpers.error('file.unreadable', { reason });
    }
    return text.includes('-----BEGIN CERTIFICATE-----') ? path : helpers.error('file.notPem');
  })
  .messages({
    'file.unreadable': '{{#label}} cannot be read ({{#reason}})',
    'file.notPem': '{{#label}} holds no PEM certificate (-----BEGIN CERTIFICATE-----)',
  });
