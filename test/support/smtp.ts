import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A real SMTP server in the test process, and the mails it received, parsed. */
export interface TestInbox {
  /** The SMTP_URL that reaches it. */
  url: string;
  /**
   * Resolves with the first mail to `address` whose text contains `containing`, waiting up to
   * `timeoutMs` for it to arrive.
   */
  mailTo(address: string, containing?: string, timeoutMs?: number): Promise<ParsedMail>;
  /** How many mails reached `address` so far. */
  countTo(address: string): number;
  close(): Promise<void>;
}

const recipientsOf = (mail: ParsedMail): string[] =>
  [mail.to ?? []].flat().flatMap((to) => to.value.map((entry) => (entry.address ?? '').toLowerCase()));

/** Starts an SMTP server on a free port of 127.0.0.1 (no TLS, no auth: a test double of a real one). */
export async function startTestInbox(): Promise<TestInbox> {
  const received: ParsedMail[] = [];
  const waiting = new Set<() => void>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push(mail);
          for (const wake of waiting) wake();
          callback();
        },
        (error: unknown) => {
          callback(error instanceof Error ? error : new Error(String(error)));
        },
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  const find = (address: string, containing: string) =>
    received.find(
      (mail) => recipientsOf(mail).includes(address.toLowerCase()) && (mail.text ?? '').includes(containing),
    );
  return {
    url: `smtp://127.0.0.1:${port}`,
    mailTo(address, containing = '', timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const mail = find(address, containing);
          if (mail === undefined) return;
          waiting.delete(check);
          clearTimeout(timer);
          resolve(mail);
        };
        const timer = setTimeout(() => {
          waiting.delete(check);
          reject(new Error(`no mail to ${address} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.add(check);
        check();
      });
    },
    countTo: (address) => received.filter((mail) => recipientsOf(mail).includes(address.toLowerCase())).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** The `token` query parameter of the first link to `linkPrefix` in the mail's text part. */
export function tokenInMail(mail: ParsedMail, linkPrefix: string): string {
  const text = mail.text ?? '';
  const link = text.split(/\s+/).find((word) => word.startsWith(linkPrefix));
  if (link === undefined) throw new Error(`no ${linkPrefix} link in: ${text}`);
  const token = new URL(link).searchParams.get('token');
  if (token === null) throw new Error(`no token in ${link}`);
  return token;
}
