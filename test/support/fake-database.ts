import type {
  AuthjsSessionRow,
  AuditEventRow,
  AccountLink,
  BlockedTokenRow,
  Database,
  OidcCodeRow,
  OidcLoginRow,
  RefreshTokenRow,
  LockedRow,
  Repositories,
  RotationPlan,
  SessionFilter,
  UserRecord,
} from '../../src/repositories';
import type { EmailTokenPurpose } from '../../src/models';
import { createFakeSigningKeys } from './fake-signing-keys';

/** The rows of the fake, by primary key; tests read them to assert what a service wrote. */
export interface FakeTables {
  users: Map<number, UserRecord>;
  sessions: Map<string, RefreshTokenRow>;
  blockedTokens: Map<string, BlockedTokenRow>;
  /** Auth.js sessions by token hash: the one adapter table the services change (see endSessions). */
  authjsSessions: Map<string, AuthjsSessionRow>;
  auditEvents: AuditEventRow[];
  /** By `provider provider-account-id`. */
  accounts: Map<string, AccountLink>;
  oidcLogins: Map<string, OidcLoginRow>;
  oidcCodes: Map<string, OidcCodeRow>;
  /** Each `emailTokens.useAllOf` call: whose links of which purpose were retired. */
  retiredEmailTokens: Array<{ userId: number; purpose: EmailTokenPurpose }>;
}

export interface FakeDatabase extends Database {
  tables: FakeTables;
  /** How many transactions committed, and how many rolled back. */
  commits: number;
  rollbacks: number;
  /** Runs before each transaction, as another request that commits just before it would. */
  commitsBefore: (() => void) | null;
}

/** A user row as signup would store it, with `fields` over the defaults. */
export function userRecord(fields: Partial<UserRecord> & Pick<UserRecord, 'id'>): UserRecord {
  return {
    email: `user-${fields.id}@example.com`,
    name: 'Test User',
    emailVerified: null,
    image: null,
    disabledAt: null,
    role: 'user',
    passwordHash: null,
    tokenVersion: 0,
    createdAt: new Date(),
    ...fields,
  };
}

const copy = <T>(row: T | undefined): T | null => (row === undefined ? null : structuredClone(row));

const inFilter = (row: RefreshTokenRow, filter: SessionFilter): boolean =>
  row.userId === filter.userId &&
  (filter.familyId === undefined || row.familyId === filter.familyId) &&
  (filter.exceptFamilyId === undefined || row.familyId !== filter.exceptFamilyId);

/** A repository whose every method rejects: a unit test that reaches it should use MySQL instead. */
function unfaked(table: string): never {
  return new Proxy({} as never, {
    get: (_target, method) => () => Promise.reject(new Error(`the fake database has no ${table}.${String(method)}`)),
  });
}

/** Deletes and returns a row: the single-use reads of the OIDC tables. */
function take<V>(table: Map<string, V>, key: string): Promise<V | null> {
  const row = copy(table.get(key));
  table.delete(key);
  return Promise.resolve(row);
}

function deleteExpiredRows<V extends { expiresAt: Date }>(table: Map<string, V>, now: Date, limit: number) {
  const expired = [...table].filter(([, row]) => row.expiresAt <= now).slice(0, limit);
  for (const [key] of expired) table.delete(key);
  return Promise.resolve(expired.length);
}

function restore<K, V>(table: Map<K, V>, saved: Map<K, V>): void {
  table.clear();
  for (const [key, row] of saved) table.set(key, row);
}

/**
 * An in-memory Database for unit tests of the services: the same repository contract as MySQL's,
 * one transaction at a time, rolled back (every table restored) when the work throws. It proves
 * what a service reads and writes, not how MySQL locks: that is for the API tests.
 */
export function createFakeDatabase(): FakeDatabase {
  const tables: FakeTables = {
    users: new Map(),
    sessions: new Map(),
    blockedTokens: new Map(),
    authjsSessions: new Map(),
    auditEvents: [],
    accounts: new Map(),
    retiredEmailTokens: [],
    oidcLogins: new Map(),
    oidcCodes: new Map(),
  };
  let nextUserId = 1;
  // What the admin API needs of MySQL (search, locks of many rows, the outbox) is for the API tests.
  const mysqlOnly = (what: string) => () => Promise.reject(new Error(`${what}: not in the fake database`));

  const repositories: Repositories = {
    users: {
      findById: (id) => Promise.resolve(copy(tables.users.get(id))),
      findAuthFields: (id) => Promise.resolve(copy(tables.users.get(id))),
      findByEmail: (email) => Promise.resolve(copy([...tables.users.values()].find((user) => user.email === email))),
      create(fields) {
        if ([...tables.users.values()].some((user) => user.email === fields.email)) return Promise.resolve(null);
        const user = userRecord({ ...fields, id: nextUserId++ });
        tables.users.set(user.id, user);
        return Promise.resolve(copy(user));
      },
      lock: (id) => Promise.resolve(copy(tables.users.get(id))),
      lockEnabledAdmins: () =>
        Promise.resolve(
          [...tables.users.values()]
            .filter((user) => user.role === 'admin' && user.disabledAt === null)
            .map((user) => user.id)
            .sort((a, b) => a - b),
        ),
      update(id, changes) {
        const user = tables.users.get(id);
        if (user !== undefined) Object.assign(user, changes);
        return Promise.resolve(true);
      },
      destroy(id) {
        tables.users.delete(id);
        return Promise.resolve();
      },
      search: mysqlOnly('users.search'),
      setPasswordHash(id, passwordHash) {
        const user = tables.users.get(id);
        if (user !== undefined) user.passwordHash = passwordHash;
        return Promise.resolve();
      },
      setTokenVersion(id, tokenVersion) {
        const user = tables.users.get(id);
        if (user !== undefined) user.tokenVersion = tokenVersion;
        return Promise.resolve();
      },
      markEmailVerified(id, at) {
        const user = tables.users.get(id);
        if (user !== undefined) user.emailVerified ??= at;
        return Promise.resolve();
      },
      updateProfile(id, fields) {
        const user = tables.users.get(id);
        if (user === undefined) return Promise.resolve('missing');
        Object.assign(user, fields);
        return Promise.resolve('updated');
      },
      delete(id) {
        tables.users.delete(id);
        return Promise.resolve();
      },
    },

    sessions: {
      insert(row) {
        if (tables.sessions.has(row.id)) return Promise.reject(new Error(`duplicate sessions row ${row.id}`));
        tables.sessions.set(row.id, structuredClone(row));
        return Promise.resolve();
      },
      findRow: (rowId) => Promise.resolve(copy(tables.sessions.get(rowId))),
      lockWithOwner(rowId) {
        const row = tables.sessions.get(rowId);
        const owner = tables.users.get(row?.userId ?? 0);
        if (row === undefined || owner === undefined) return Promise.resolve(null);
        return Promise.resolve({ owner: structuredClone(owner), row: structuredClone(row) });
      },
      rotate(parent, child, at) {
        if (tables.sessions.has(child.id)) return Promise.reject(new Error(`duplicate sessions row ${child.id}`));
        const row = tables.sessions.get(parent.id);
        if (row !== undefined) Object.assign(row, { revokedAt: at, reason: 'rotated' });
        tables.sessions.set(child.id, structuredClone(child));
        return Promise.resolve();
      },
      revokeLiveRows(filter, reason, at) {
        const live = [...tables.sessions.values()].filter((row) => row.revokedAt === null && inFilter(row, filter));
        for (const row of live) Object.assign(row, { revokedAt: at, reason });
        return Promise.resolve([...new Set(live.map((row) => row.familyId))]);
      },
      hasLiveRow: (userId, familyId) =>
        Promise.resolve(
          [...tables.sessions.values()].some(
            (row) => row.userId === userId && row.familyId === familyId && row.revokedAt === null,
          ),
        ),
      findLiveRows: (userId, now) =>
        Promise.resolve(
          [...tables.sessions.values()]
            .filter((row) => row.userId === userId && row.revokedAt === null && row.expiresAt > now)
            .map((row) => structuredClone(row)),
        ),
      findStartTimes: (familyIds) =>
        Promise.resolve(
          new Map(
            [...tables.sessions.values()]
              .filter((row) => row.parentId === null && familyIds.includes(row.familyId))
              .map((row) => [row.familyId, row.createdAt]),
          ),
        ),
      countLive: (userId, now) =>
        Promise.resolve(
          [...tables.sessions.values()].filter(
            (row) => row.userId === userId && row.revokedAt === null && row.expiresAt > now,
          ).length,
        ),
      findLastLoginAt: (userId) =>
        Promise.resolve(
          [...tables.sessions.values()]
            .filter((row) => row.userId === userId && row.parentId === null)
            .reduce<Date | null>(
              (latest, row) => (latest === null || row.createdAt > latest ? row.createdAt : latest),
              null,
            ),
        ),
      deleteExpired(now, limit) {
        const expired = [...tables.sessions.values()].filter(
          (row) => row.expiresAt <= now && (row.parentId !== null || row.absoluteExpiresAt <= now),
        );
        for (const row of expired.slice(0, limit)) tables.sessions.delete(row.id);
        return Promise.resolve(Math.min(limit, expired.length));
      },
    },

    blockedTokens: {
      isBlocked: (jti) => Promise.resolve(tables.blockedTokens.has(jti)),
      countLive: (now) =>
        Promise.resolve([...tables.blockedTokens.values()].filter((row) => row.expiresAt > now).length),
      insert(row) {
        if (tables.blockedTokens.has(row.jti)) return Promise.resolve(false);
        tables.blockedTokens.set(row.jti, structuredClone(row));
        return Promise.resolve(true);
      },
      deleteExpired(now, limit) {
        const expired = [...tables.blockedTokens.values()].filter((row) => row.expiresAt <= now).slice(0, limit);
        for (const row of expired) tables.blockedTokens.delete(row.jti);
        return Promise.resolve(expired.length);
      },
    },

    authjsSessions: {
      find: (hash) => Promise.resolve(copy(tables.authjsSessions.get(hash))),
      insert(row) {
        if (tables.authjsSessions.has(row.sessionTokenHash)) return Promise.resolve('taken');
        tables.authjsSessions.set(row.sessionTokenHash, structuredClone(row));
        return Promise.resolve('inserted');
      },
      update(hash, fields) {
        const row = tables.authjsSessions.get(hash);
        if (row !== undefined) Object.assign(row, fields);
        return Promise.resolve(copy(row));
      },
      delete(hash) {
        const row = copy(tables.authjsSessions.get(hash));
        tables.authjsSessions.delete(hash);
        return Promise.resolve(row);
      },
      deleteByUser(userId) {
        const owned = [...tables.authjsSessions.values()].filter((row) => row.userId === userId);
        for (const row of owned) tables.authjsSessions.delete(row.sessionTokenHash);
        return Promise.resolve(owned.length);
      },
      deleteExpired(now, limit) {
        const expired = [...tables.authjsSessions.values()].filter((row) => row.expires <= now).slice(0, limit);
        for (const row of expired) tables.authjsSessions.delete(row.sessionTokenHash);
        return Promise.resolve(expired.length);
      },
    },
    // The services under unit test never touch these tables: the adapter's API tests cover them.
    verificationTokens: unfaked('verificationTokens'),
    authenticators: unfaked('authenticators'),
    // A password change retires the user's reset links; the tokens themselves are MySQL's (email.test.ts).
    emailTokens: {
      insert: mysqlOnly('emailTokens.insert'),
      findOwnerId: mysqlOnly('emailTokens.findOwnerId'),
      use: mysqlOnly('emailTokens.use'),
      useAllOf(userId, purpose) {
        tables.retiredEmailTokens.push({ userId, purpose });
        return Promise.resolve();
      },
      deleteExpired: mysqlOnly('emailTokens.deleteExpired'),
    },

    auditEvents: {
      insert(event) {
        tables.auditEvents.push({
          ...structuredClone(event),
          id: tables.auditEvents.length + 1,
          createdAt: new Date(),
        });
        return Promise.resolve();
      },
      list: mysqlOnly('auditEvents.list'),
      deleteOlderThan: mysqlOnly('auditEvents.deleteOlderThan'),
    },

    webhookDeliveries: {
      insert: mysqlOnly('webhookDeliveries.insert'),
      claimDue: mysqlOnly('webhookDeliveries.claimDue'),
      recordOutcome: mysqlOnly('webhookDeliveries.recordOutcome'),
      listRecent: mysqlOnly('webhookDeliveries.listRecent'),
    },

    accounts: {
      find: mysqlOnly('accounts.find'),
      insert: mysqlOnly('accounts.insert'),
      delete: mysqlOnly('accounts.delete'),
      findProviders: (userId) =>
        Promise.resolve(
          [
            ...new Set([...tables.accounts.values()].filter((link) => link.userId === userId).map((l) => l.provider)),
          ].sort(),
        ),
      findByProviderAccount: (provider, id) => Promise.resolve(copy(tables.accounts.get(`${provider} ${id}`))),
      listForUser: (userId) =>
        Promise.resolve(
          [...tables.accounts.values()].filter((link) => link.userId === userId).map((link) => structuredClone(link)),
        ),
      link(link) {
        const key = `${link.provider} ${link.providerAccountId}`;
        if (tables.accounts.has(key)) return Promise.resolve(false);
        tables.accounts.set(key, { ...link, createdAt: new Date() });
        return Promise.resolve(true);
      },
      deleteForUser(userId, provider) {
        const links = [...tables.accounts].filter(([, link]) => link.userId === userId && link.provider === provider);
        for (const [key] of links) tables.accounts.delete(key);
        return Promise.resolve(links.length);
      },
    },

    oidcLogins: {
      insert(row) {
        tables.oidcLogins.set(row.idHash, structuredClone(row));
        return Promise.resolve();
      },
      take: (idHash) => take(tables.oidcLogins, idHash),
      deleteExpired: (now, limit) => deleteExpiredRows(tables.oidcLogins, now, limit),
    },

    oidcCodes: {
      insert(row) {
        if (!tables.users.has(row.userId)) return Promise.resolve('missing' as const);
        tables.oidcCodes.set(row.codeHash, structuredClone(row));
        return Promise.resolve('inserted' as const);
      },
      take: (codeHash) => take(tables.oidcCodes, codeHash),
      deleteExpired: (now, limit) => deleteExpiredRows(tables.oidcCodes, now, limit),
    },
  };

  const database: FakeDatabase = {
    ...repositories,
    tables,
    commits: 0,
    rollbacks: 0,
    commitsBefore: null,
    rateLimits: { deleteExpired: () => Promise.resolve(0) },
    signingKeys: createFakeSigningKeys(),
    refreshRotation: {
      async lockAndRotate<T>(rowId: string, plan: (locked: LockedRow | null) => RotationPlan<T>): Promise<T> {
        database.commitsBefore?.();
        const locked = await repositories.sessions.lockWithOwner(rowId);
        let planned: RotationPlan<T> | null = null;
        try {
          planned = plan(locked);
        } finally {
          // A plan that throws or rotates nothing rolls back, as the batched transaction does.
          if (planned?.rotate === null || planned === null) database.rollbacks += 1;
        }
        const { value, rotate } = planned;
        if (rotate !== null) {
          await repositories.sessions.rotate(rotate.parent, rotate.child, rotate.at);
          database.commits += 1;
        }
        return value;
      },
    },
    async inTransaction(work) {
      database.commitsBefore?.();
      const before = structuredClone(tables);
      try {
        const result = await work(repositories);
        database.commits += 1;
        return result;
      } catch (error) {
        restore(tables.users, before.users);
        restore(tables.sessions, before.sessions);
        restore(tables.blockedTokens, before.blockedTokens);
        restore(tables.authjsSessions, before.authjsSessions);
        tables.auditEvents.splice(0, tables.auditEvents.length, ...before.auditEvents);
        restore(tables.accounts, before.accounts);
        restore(tables.oidcLogins, before.oidcLogins);
        restore(tables.oidcCodes, before.oidcCodes);
        database.rollbacks += 1;
        throw error;
      }
    },
  };
  return database;
}
