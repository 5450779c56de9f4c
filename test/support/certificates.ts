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
  return {
    caFile: path.join(folder, 'ca.pem'),
    certFile: path.join(folder, 'server.pem'),
    keyFile: path.join(folder, 'server.key'),
    async sign(altNames) {
      await writeFile(path.join(folder, 'names.cnf'), `subjectAltName=${altNames}\n`);
      await openssl(['req', ...NEW_KEY, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=test-mysql']);
      const signing = ['-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-extfile', 'names.cnf'];
      await openssl(['x509', '-req', '-in', 'server.csr', ...signing, '-out', 'server.pem', '-days', '1']);
    },
  };
}
