import { readdirSync, readFileSync } from 'node:fs';

/** Readers of /proc: the process tree of a server, its memory and its CPU time. */

const SAMPLE_INTERVAL_MS = 100;
const IDLE_WINDOW_MS = 250;
/** Clock ticks (usually 1/100 s) a tree may use in one window and still count as idle. */
const IDLE_TICKS = 2;

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    // The process (or thread) ended between listing and reading.
    return '';
  }
}

/** Children of every thread of `pid`, from /proc/<pid>/task/<tid>/children. */
function childPids(pid: number): number[] {
  let threads: string[];
  try {
    threads = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  return threads.flatMap((tid) =>
    readOrEmpty(`/proc/${pid}/task/${tid}/children`)
      .split(' ')
      .filter((word) => word !== '')
      .map(Number),
  );
}

/** Every process below `pid` (cluster workers, for instance), not `pid` itself. */
export function descendantPids(pid: number): number[] {
  const found: number[] = [];
  const queue = childPids(pid);
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    found.push(next);
    queue.push(...childPids(next));
  }
  return found;
}

/** VmRSS of one process in bytes; 0 once it has gone. */
function rssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readOrEmpty(`/proc/${pid}/status`));
  return match?.[1] === undefined ? 0 : Number(match[1]) * 1024;
}

/** Sum of VmRSS over a process and all its descendants. */
export function treeRssBytes(pid: number): number {
  return [pid, ...descendantPids(pid)].reduce((sum, each) => sum + rssBytes(each), 0);
}

export interface RssSampler {
  /** Stops sampling and returns the highest tree RSS seen, in bytes. */
  stop(): number;
}

/** Polls the tree RSS of `pid` every 100 ms until stopped, keeping the maximum. */
export function samplePeakRss(pid: number): RssSampler {
  let peak = treeRssBytes(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, treeRssBytes(pid));
  }, SAMPLE_INTERVAL_MS);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, treeRssBytes(pid));
    },
  };
}

/** Linux reports CPU times in USER_HZ ticks, 100 per second on every mainstream kernel. */
const TICKS_PER_SECOND = 100;

/** utime + stime of a process tree, in clock ticks. */
function treeCpuTicks(pid: number): number {
  return [pid, ...descendantPids(pid)].reduce((sum, each) => {
    // Fields after the ")" that ends the command name: utime and stime are the 12th and 13th.
    const stat = readOrEmpty(`/proc/${each}/stat`);
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    return sum + Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  }, 0);
}

/** CPU time (user + system) used so far by a process and its descendants, in seconds. */
export function treeCpuSeconds(pid: number): number {
  return treeCpuTicks(pid) / TICKS_PER_SECOND;
}

/**
 * Waits until the tree of `pid` stops using CPU, at most `timeoutMs`; resolves false on timeout.
 * A server keeps working on requests whose client has gone (a closed connection does not cancel a
 * queued bcrypt), so without this a scenario would start with the previous one's backlog.
 */
export async function waitUntilIdle(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let before = treeCpuTicks(pid);
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, IDLE_WINDOW_MS));
    const after = treeCpuTicks(pid);
    if (after - before <= IDLE_TICKS) return true;
    before = after;
  }
  return false;
}

/** Busy and total jiffies of all CPUs, from the first line of /proc/stat. */
function machineCpuTicks(): { busy: number; total: number } {
  const [, ...counters] = readOrEmpty('/proc/stat').split('\n')[0]?.trim().split(/\s+/) ?? [];
  const values = counters.map(Number);
  const total = values.reduce((sum, value) => sum + value, 0);
  // idle and iowait are the 4th and 5th counters.
  return { busy: total - (values[3] ?? 0) - (values[4] ?? 0), total };
}

/**
 * Waits until the whole machine is below 15 % CPU for half a second, at most `timeoutMs`; resolves
 * false on timeout. Used after bulk inserts, which MySQL keeps digesting for a while in the background.
 */
export async function waitUntilMachineQuiet(timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let before = machineCpuTicks();
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 2 * IDLE_WINDOW_MS));
    const after = machineCpuTicks();
    const busyShare = (after.busy - before.busy) / Math.max(1, after.total - before.total);
    if (busyShare < 0.15) return true;
    before = after;
  }
  return false;
}
