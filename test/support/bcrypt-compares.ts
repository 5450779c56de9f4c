import bcrypt from 'bcrypt';

/**
 * Runs `work` and returns the cost of each hash bcrypt.compare was asked to check meanwhile. The
 * real compare still runs: this only watches the work a timing defence promises to spend.
 */
export async function bcryptCompareCosts(work: () => Promise<unknown>): Promise<number[]> {
  const realCompare = bcrypt.compare.bind(bcrypt);
  const costs: number[] = [];
  const watchedCompare = (data: string | Buffer, hash: string): Promise<boolean> => {
    costs.push(bcrypt.getRounds(hash));
    return realCompare(data, hash);
  };
  Object.assign(bcrypt, { compare: watchedCompare });
  try {
    await work();
  } finally {
    Object.assign(bcrypt, { compare: realCompare });
  }
  return costs;
}
