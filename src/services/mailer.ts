import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { Config, NodeEnv } from '../config';

/** One plain-text mail. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  /** False in production without SMTP_URL: the routes that mail answer 503 MAIL_UNAVAILABLE. */
  readonly available: boolean;
  /**
   * Sends the message over SMTP, or, without SMTP_URL outside production, writes it to the log.
   * Never rejects: a failed send is logged (never the text, which holds a token).
   */
  send(message: MailMessage): Promise<void>;
}

/** The mailer of `settings`; in production without SMTP_URL it says so in the log once, at startup. */
export function createMailer(settings: Config['mail'], env: NodeEnv, logger: Logger): Mailer {
  if (settings.smtpUrl === null) {
    if (env === 'production') {
      // A reset mail is never silently dropped: without SMTP the routes that mail refuse to pretend.
      logger.warn('SMTP_URL is not set: password-reset and verification routes answer 503 MAIL_UNAVAILABLE');
      return { available: false, send: () => Promise.resolve() };
    }
    return {
      available: true,
      send(message) {
        // Outside production only: the token is in the log, so a developer can follow the link.
        logger.info({ mail: message }, 'mail not sent (no SMTP_URL): written to the log');
        return Promise.resolve();
      },
    };
  }
  const transport = nodemailer.createTransport(settings.smtpUrl);
  return {
    available: true,
    async send(message) {
      try {
        await transport.sendMail({ from: settings.from, ...message });
      } catch (error) {
        const { code, message: reason } = error instanceof Error ? (error as Error & { code?: string }) : {};
        logger.error({ mailError: { code, reason }, subject: message.subject }, 'mail could not be sent');
      }
    },
  };
}
