import { boundSequelize } from '../../src/models';

/**
 * The SQL text of every statement Sequelize sends while `work` runs, in order. Statements the
 * rate limiter sends on its own connection (rate-limiter-flexible's) are not among them.
 */
export async function statementsOf(work: () => Promise<unknown>): Promise<string[]> {
  const statements: string[] = [];
  boundSequelize().addHook('afterQuery', 'statements-of', (_options, query) => {
    // Set by the query's run; Sequelize's types leave it out.
    statements.push('sql' in query ? String(query.sql) : '');
  });
  try {
    await work();
  } finally {
    boundSequelize().removeHook('afterQuery', 'statements-of');
  }
  return statements;
}
