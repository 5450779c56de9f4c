import { expect } from 'chai';

/** What one race found wrong: an empty list when it ended well. */
export type Race = () => Promise<string[]>;

/**
 * Runs `race` `rounds` times, `parallel` copies at once (each on its own user), and asserts that
 * none found anything wrong. The message counts the races that did and lists what each found.
 */
export async function expectRacesWon(rounds: number, parallel: number, race: Race): Promise<void> {
  const failed: string[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const results = await Promise.all(Array.from({ length: parallel }, () => race()));
    results.forEach((problems, index) => {
      if (problems.length > 0) failed.push(`race ${round}.${index}: ${problems.join('; ')}`);
    });
  }
  expect(failed, `${failed.length}/${rounds * parallel} races failed:\n${failed.join('\n')}`).to.deep.equal([]);
}

/**
 * Runs `step` again and again, one call at a time, until `until` has settled (at least once),
 * and returns every result: a client that keeps refreshing or logging in while a revocation runs,
 * so the race window is covered whenever the revocation reaches the database.
 */
export async function whilePending<T>(until: Promise<unknown>, step: () => Promise<T>): Promise<T[]> {
  const state = { pending: true };
  const settle = (): void => {
    state.pending = false;
  };
  until.then(settle, settle);
  const results: T[] = [];
  do results.push(await step());
  while (state.pending);
  return results;
}
