import { batchesOf } from '../../src/db/sequelize';
import { boundSequelize } from '../../src/models';

/**
 * The SQL text of every round trip to MySQL while `work` runs, in order: each statement Sequelize
 * sends, and each batch sent through StatementBatches (the refresh's transaction, the rate limiter's
 * counters). The rate limiter's reads and deletes, on connections of its own, are not among them.
 */
export async function statementsOf(work: () => Promise<unknown>): Promise<string[]> {
  const statements: string[] = [];
  const sequelize = boundSequelize();
  sequelize.addHook('afterQuery', 'statements-of', (_options, query) => {
    // Set by the query's run; Sequelize's types leave it out.
    statements.push('sql' in query ? String(query.sql) : '');
  });
  const stopObserving = batchesOf(sequelize).observe((sql) => statements.push(sql));
  try {
    await work();
  } finally {
    sequelize.removeHook('afterQuery', 'statements-of');
    stopObserving();
  }
  return statements;
}
