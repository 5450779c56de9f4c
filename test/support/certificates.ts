import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** An ECDSA P-256 key: milliseconds to make, where RSA takes a second. */
const NEW_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/** A certificate authority of the test's own, in a folder, and the server certificate it signs. */
export interface TestCa {
  /** The CA's certificate, PEM: what DATABASE_TLS_CA names. */
  caFile: string;
  /** The server's certificate and key; `sign` overwrites them in place. */
  certFile: string;
  keyFile: string;
  /** Signs a fresh server certificate whose names are `altNames` (`DNS:localhost`, `IP:127.0.0.1`). */
  sign(altNames: string): Promise<void>;
  /** Signs a fresh client certificate with the common name `name`, in `<name>.pem` and `<name>.key`. */
  issueClient(name: string): Promise<{ certFile: string; keyFile: string }>;
}

/** Makes a CA valid for one day in `folder` (openssl, as an operator would); its key never leaves it. */
export async function createTestCa(folder: string): Promise<TestCa> {
  const openssl = (args: string[]) => run('openssl', args, { cwd: folder });
  await openssl([
    'req',
    '-x509',
    ...NEW_KEY,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '1',
    '-subj',
    '/CN=test-ca',
  ]);
  /** A fresh key and a certificate of this CA for it, in `<file>.pem` and `<file>.key`. */
  async function issue(
    file: string,
    subject: string,
    extensions: string,
  ): Promise<{ certFile: string; keyFile: string }> {
    await writeFile(path.join(folder, `${file}.cnf`), extensions);
    await openssl(['req', ...NEW_KEY, '-keyout', `${file}.key`, '-out', `${file}.csr`, '-subj', subject]);
    const signing = ['-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-extfile', `${file}.cnf`];
    await openssl(['x509', '-req', '-in', `${file}.csr`, ...signing, '-out', `${file}.pem`, '-days', '1']);
    return { certFile: path.join(folder, `${file}.pem`), keyFile: path.join(folder, `${file}.key`) };
  }
  return {
    caFile: path.join(folder, 'ca.pem'),
    certFile: path.join(folder, 'server.pem'),
    keyFile: path.join(folder, 'server.key'),
    async sign(altNames) {
      await issue('server', '/CN=test-mysql', `subjectAltName=${altNames}\n`);
    },
    issueClient: (name) => issue(name, `/CN=${name}`, 'extendedKeyUsage=clientAuth\n'),
  };
}
