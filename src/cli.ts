import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { closestName } from './suggest';

export const USAGE = `Usage: node app <command> [options]

Commands (exactly one):
  --create      create the database if missing and run pending migrations
                (development: also writes a fresh JWT_SECRET to .env if none is set;
                RS256/ES256: also generates the first signing key if there is none)
    --seed      with --create: also add the demo users
  --drop        undo every migration: drops this server's tables, keeps the database itself and
                an empty SequelizeMeta table (refused with NODE_ENV=production unless --force)
    --force     with --drop: allow it in production
  --purge       delete, in batches, expired blocked tokens, session rows, rate-limit rows, adapter
                sessions, verification tokens, OIDC logins, OIDC codes and email tokens (adapter
                sessions and verification tokens: of Auth.js apps, see /adapter; OIDC logins and
                codes: provider sign-ins never completed or never exchanged; email tokens: reset and
                verification links, also once used), and audit events older than
                AUDIT_RETENTION_DAYS; retire signing keys whose tokens have all expired
  --rotate-keys add a new signing key (RS256/ES256); servers sign with it within
                KEYS_REFRESH_SECONDS
  --create-admin <email>
                make that user an admin, creating it when missing with the password from
                ADMIN_PASSWORD or a hidden prompt on a terminal; idempotent
  --server      serve HTTP on HOST:PORT until SIGINT/SIGTERM
    --workers N with --server: N processes on one port (node:cluster); auto = one per core
  --help        print this help

Configuration comes from the environment and ./.env (see .env.example).`;

export type Command = 'create' | 'drop' | 'purge' | 'rotate-keys' | 'server' | 'create-admin' | 'help';

export interface Invocation {
  command: Command;
  seed: boolean;
  force: boolean;
  workers: number;
  /** With --create-admin: the email of the user to make an admin. */
  adminEmail: string | null;
}

/** A command line the driver cannot run: printed with the usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const OPTIONS = {
  create: { type: 'boolean' },
  seed: { type: 'boolean' },
  drop: { type: 'boolean' },
  purge: { type: 'boolean' },
  'rotate-keys': { type: 'boolean' },
  force: { type: 'boolean' },
  server: { type: 'boolean' },
  workers: { type: 'string' },
  'create-admin': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Every option the driver knows, as typed: `--create`, …, `-h`. */
export const KNOWN_FLAGS: readonly string[] = Object.entries(OPTIONS).flatMap(([name, option]) =>
  'short' in option ? [`--${name}`, `-${option.short}`] : [`--${name}`],
);

/** Refuses the first unknown option, naming the known one it is closest to, if any. */
function refuseUnknownOptions(argv: string[]): void {
  const { tokens } = parseArgs({ args: argv, options: OPTIONS, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind !== 'option' || token.name in OPTIONS) continue;
    const suggestion = closestName(
      token.rawName,
      KNOWN_FLAGS.filter((flag) => flag.startsWith('--')),
    );
    throw new UsageError(
      `unknown option ${token.rawName}${suggestion === null ? '' : `; did you mean ${suggestion}?`}`,
    );
  }
}

function parseWorkers(value: string | undefined): number {
  if (value === undefined) return 1;
  if (value === 'auto') return availableParallelism();
  if (!/^[1-9][0-9]?$/.test(value)) throw new UsageError('--workers takes a number from 1 to 99, or auto');
  return Number(value);
}

/** Reads the driver's command line; throws a UsageError saying what is wrong with it. */
export function parseInvocation(argv: string[]): Invocation {
  refuseUnknownOptions(argv);
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const commands = (['create', 'drop', 'purge', 'rotate-keys', 'server', 'create-admin', 'help'] as const).filter(
    (name) => (name === 'create-admin' ? values[name] !== undefined : values[name] === true),
  );
  if (commands.length !== 1) {
    throw new UsageError(
      'give exactly one of --create, --drop, --purge, --rotate-keys, --server, --create-admin, --help',
    );
  }
  const [command] = commands as [Command];
  if (values.seed === true && command !== 'create') throw new UsageError('--seed only goes with --create');
  if (values.force === true && command !== 'drop') throw new UsageError('--force only goes with --drop');
  if (values.workers !== undefined && command !== 'server') throw new UsageError('--workers only goes with --server');
  return {
    command,
    seed: values.seed === true,
    force: values.force === true,
    workers: parseWorkers(values.workers),
    adminEmail: values['create-admin'] ?? null,
  };
}
