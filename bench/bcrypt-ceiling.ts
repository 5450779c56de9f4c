/**
 * How many bcrypt operations per second this machine's cores do at a cost: keeps 2 x cores
 * `bcrypt.compare` calls in flight (the async API, on libuv's pool, like the server) for a while.
 * Run in its own process by the bench, so the load generator does not compete with it:
 * `node --require tsx/cjs bench/bcrypt-ceiling.ts <rounds> <seconds>` prints one JSON line.
 */
import os from 'node:os';
import bcrypt from 'bcrypt';

export interface BcryptCeiling {
  rounds: number;
  concurrency: number;
  threadPoolSize: number;
  comparesPerSecond: number;
}

async function measure(rounds: number, seconds: number): Promise<BcryptCeiling> {
  const concurrency = 2 * os.cpus().length;
  const hash = await bcrypt.hash('a benchmark password', rounds);
  const started = Date.now();
  const deadline = started + seconds * 1000;
  let compares = 0;
  async function worker(): Promise<void> {
    while (Date.now() < deadline) {
      await bcrypt.compare('a benchmark password', hash);
      compares += 1;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, () => worker()));
  const elapsedSeconds = (Date.now() - started) / 1000;
  const threadPoolSize = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
  return { rounds, concurrency, threadPoolSize, comparesPerSecond: compares / elapsedSeconds };
}

if (require.main === module) {
  measure(Number(process.argv[2] ?? 10), Number(process.argv[3] ?? 3)).then(
    (ceiling) => {
      console.log(JSON.stringify(ceiling));
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
