import type { SigningKeyRow, SigningKeysRepository } from '../../src/repositories';

/** An in-memory signing_keys table that counts the reads a key store sends it. */
export interface FakeSigningKeys extends SigningKeysRepository {
  rows: Map<string, SigningKeyRow>;
  reads: { listUnretired: number; findByKid: number };
}

export function createFakeSigningKeys(): FakeSigningKeys {
  const rows = new Map<string, SigningKeyRow>();
  const reads = { listUnretired: 0, findByKid: 0 };
  return {
    rows,
    reads,
    listUnretired() {
      reads.listUnretired += 1;
      const unretired = [...rows.values()].filter((row) => row.retiredAt === null);
      return Promise.resolve(
        unretired.sort((a, b) => a.activatedAt.getTime() - b.activatedAt.getTime()).map((row) => ({ ...row })),
      );
    },
    findByKid(kid) {
      reads.findByKid += 1;
      const row = rows.get(kid);
      return Promise.resolve(row === undefined ? null : { ...row });
    },
    insert(row) {
      rows.set(row.kid, { ...row });
      return Promise.resolve();
    },
    retire(kids, at) {
      const retired = kids.filter((kid) => rows.get(kid)?.retiredAt === null);
      for (const kid of retired) rows.set(kid, { ...(rows.get(kid) as SigningKeyRow), retiredAt: at });
      return Promise.resolve(retired);
    },
  };
}
