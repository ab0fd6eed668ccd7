import { Redis } from 'ioredis';
import { DeliveryError } from '../errors.js';
import { describeRedis } from './queue-label.js';

/**
 * Connections to the delivery queue's Redis. BullMQ needs connections whose commands wait through
 * a lost connection instead of failing (`maxRetriesPerRequest: null`): a coordinator or worker
 * that loses Redis mid-run waits for it and carries on where it was.
 */

/**
 * A connection for BullMQ and for the coordinator's own commands. It reconnects for ever, backing
 * off from a quarter of a second to 5 s; commands issued meanwhile wait.
 */
export function openRedis(url: string): Redis {
  const client = new Redis(url, {
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(250 * 2 ** Math.min(times - 1, 5), 5000),
  });
  // Connection errors are reported through the 'close' / 'reconnecting' / 'ready' events the
  // caller follows; without a listener ioredis would print each one.
  client.on('error', () => {});
  return client;
}

export interface RedisCheck {
  version: string;
  /** `maxmemory-policy`: anything but noeviction lets Redis drop queued jobs when it is full. */
  evictionPolicy: string;
  /** What the operator should fix that does not stop sending now (an evicting Redis). */
  warnings: string[];
}

/**
 * An evicting Redis deletes keys when it reaches `maxmemory`, queued jobs among them: those readers
 * would get nothing, and nobody would be told. BullMQ needs `noeviction`.
 */
export function evictionWarning(policy: string, place: string): string | undefined {
  if (policy === 'noeviction' || policy === 'unknown') return undefined;
  return `the delivery queue's Redis at ${place} has maxmemory-policy ${policy}: when it is full it deletes keys, queued jobs among them, and those readers would get nothing. Set maxmemory-policy noeviction (in redis.conf, or CONFIG SET maxmemory-policy noeviction)`;
}

/**
 * Asks Redis once, failing within `timeoutMs` when it does not answer: before anything is recorded
 * or enqueued, so an operator sees "Redis is down" instead of a run stuck waiting for it.
 */
export async function checkRedis(url: string, what: string, timeoutMs = 5000): Promise<RedisCheck> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // ioredis reports the cause (ECONNREFUSED, ENOTFOUND, …) as an event and rejects with a bare
  // "Connection is closed": keep the cause for the message.
  let cause: Error | undefined;
  client.on('error', (error: Error) => (cause ??= error));
  try {
    await client.connect();
    const server = await client.info('server');
    const memory = await client.info('memory');
    const evictionPolicy = /maxmemory_policy:(\S+)/.exec(memory)?.[1] ?? 'unknown';
    const warning = evictionWarning(evictionPolicy, describeRedis(url));
    return { version: /redis_version:(\S+)/.exec(server)?.[1] ?? 'unknown', evictionPolicy, warnings: warning ? [warning] : [] };
  } catch (thrown) {
    const error = cause ?? thrown;
    const message = (error as Error).message;
    const place = describeRedis(url);
    const hint = /NOAUTH|WRONGPASS|invalid password|invalid username/i.test(message)
      ? `Redis refused the login: put the right password in the URL (redis://:password@host:6379, or redis://user:password@… with ACLs), preferably in DIGEST_QUEUE_URL rather than the config file.`
      : `Start Redis there, or correct delivery.queue in the config (or DIGEST_QUEUE_URL).`;
    throw new DeliveryError('QUEUE_UNREACHABLE', `cannot reach the delivery queue's Redis at ${place}: ${message}`, {
      cause: error,
      context: { queue: place },
      hint: `${hint} ${what}`,
    });
  } finally {
    client.disconnect();
  }
}

/** Waits on a connection that reconnects on its own, calling back when it is lost and when it is back. */
export function watchConnection(client: Redis, onLost: (reason: string) => void, onBack: () => void): () => void {
  let lost = false;
  let lastError = '';
  const error = (e: Error) => (lastError = e.message);
  const close = () => {
    if (lost) return;
    lost = true;
    onLost(lastError || 'connection closed');
  };
  const ready = () => {
    if (!lost) return;
    lost = false;
    lastError = '';
    onBack();
  };
  client.on('error', error);
  client.on('close', close);
  client.on('ready', ready);
  return () => {
    client.off('error', error);
    client.off('close', close);
    client.off('ready', ready);
  };
}
