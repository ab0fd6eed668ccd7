/**
 * A concurrency limiter for many fetches: at most `global` tasks at once, and at most `perHost`
 * against any one host, so a digest with twenty feeds from one publisher does not hammer it.
 * Tasks start in the order they were queued, except that a task whose host is full lets later
 * tasks for other hosts go first.
 */
import { FetchError } from '../errors.js';

export interface LimiterOptions {
  /** Tasks running at once across all hosts; default 8. */
  global?: number;
  /** Tasks running at once against one host; default 2. */
  perHost?: number;
}

export interface Limiter {
  /** Runs `task` when a slot is free for the host of `url` (a local path counts as one host). */
  <T>(url: string, task: () => Promise<T>): Promise<T>;
  /** Tasks running now. */
  readonly activeCount: number;
  /** Tasks waiting for a slot. */
  readonly pendingCount: number;
}

interface Waiting {
  host: string;
  start: () => void;
}

export function createLimiter(options: LimiterOptions = {}): Limiter {
  const globalMax = positive(options.global, 8, 'global');
  const perHostMax = positive(options.perHost, 2, 'perHost');
  const queue: Waiting[] = [];
  const perHost = new Map<string, number>();
  let active = 0;

  const pump = (): void => {
    for (let i = 0; i < queue.length && active < globalMax; ) {
      const waiting = queue[i]!;
      if ((perHost.get(waiting.host) ?? 0) < perHostMax) {
        queue.splice(i, 1);
        active++;
        perHost.set(waiting.host, (perHost.get(waiting.host) ?? 0) + 1);
        waiting.start();
      } else {
        i++;
      }
    }
  };

  const release = (host: string): void => {
    active--;
    const left = (perHost.get(host) ?? 1) - 1;
    if (left <= 0) perHost.delete(host);
    else perHost.set(host, left);
    pump();
  };

  const limit = <T>(url: string, task: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const host = hostKey(url);
      queue.push({
        host,
        start: () => {
          let result: Promise<T>;
          try {
            result = task();
          } catch (error) {
            result = Promise.reject(error);
          }
          result.then(resolve, reject).finally(() => release(host));
        },
      });
      pump();
    });

  return Object.defineProperties(limit, {
    activeCount: { get: () => active },
    pendingCount: { get: () => queue.length },
  }) as Limiter;
}

/** The host a URL counts against; every local path shares one key. */
export function hostKey(url: string): string {
  if (!/^https?:\/\//i.test(url)) return 'local';
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return url;
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new FetchError('FETCH_INVALID_OPTION', `createLimiter: ${name} must be a positive integer, got ${String(value)}`, {
      hint: `Pass a whole number of at least 1 for ${name}, or leave it out for the default.`,
      context: { option: name },
    });
  }
  return value;
}
