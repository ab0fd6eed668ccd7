import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { closedPort } from './smtp.js';

/**
 * A real `redis-server` (Debian's package) on a free port of 127.0.0.1, in a folder of its own,
 * for the delivery-queue tests. Missing, it fails the test with how to install it: CI installs
 * it (.ci/run), and a queue test that silently skipped would prove nothing.
 */

export interface TestRedis {
  url: string;
  port: number;
  /** Stops it cleanly (SIGTERM: with appendonly, what it holds is on disk). */
  stop(): Promise<void>;
  /** Starts it again on the same port and folder (reloading its append-only file). */
  start(): Promise<void>;
  /** A client for the test's own checks (closed by `close`). */
  client(): Redis;
  /** Memory Redis uses for data, in bytes (`used_memory`). */
  usedMemory(): Promise<number>;
  /** Stops it and removes its folder. */
  close(): Promise<void>;
}

export function redisServerPath(): string {
  const candidates = [process.env.REDIS_SERVER, ...(process.env.PATH ?? '').split(path.delimiter).map((dir) => path.join(dir, 'redis-server')), '/usr/bin/redis-server'];
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not there
    }
  }
  throw new Error(
    'redis-server is not installed: the delivery-queue tests run against a real Redis. Install it with `apt-get install -y redis-server` (.ci/run does so on CI), or set REDIS_SERVER to its path.',
  );
}

export async function startRedis(options: { appendOnly?: boolean } = {}): Promise<TestRedis> {
  const binary = redisServerPath();
  const dir = mkdtempSync(path.join(tmpdir(), 'digest-redis-'));
  const port = await closedPort();
  let child: ChildProcess | undefined;
  const clients: Redis[] = [];

  const start = () =>
    new Promise<void>((resolve, reject) => {
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', options.appendOnly ? 'yes' : 'no', '--appendfsync', 'always', '--protected-mode', 'no', '--loglevel', 'notice'];
      const process_ = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child = process_;
      let output = '';
      const timer = setTimeout(() => fail(new Error(`redis-server did not start within 20 s:\n${output}`)), 20_000);
      function fail(error: Error) {
        clearTimeout(timer);
        process_.kill('SIGKILL');
        reject(error);
      }
      process_.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (/Ready to accept connections/.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      });
      process_.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      process_.on('exit', (code) => fail(new Error(`redis-server exited (${code}) before it was ready:\n${output}`)));
      process_.on('error', fail);
    });

  const stop = () =>
    new Promise<void>((resolve) => {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return resolve();
      running.removeAllListeners('exit');
      running.once('exit', () => resolve());
      running.kill('SIGTERM');
    });

  await start();
  const url = `redis://127.0.0.1:${port}`;
  return {
    url,
    port,
    stop,
    start,
    client() {
      const client = new Redis(url, { maxRetriesPerRequest: null });
      client.on('error', () => {});
      clients.push(client);
      return client;
    },
    async usedMemory() {
      const probe = new Redis(url);
      try {
        return Number(/used_memory:(\d+)/.exec(await probe.info('memory'))![1]);
      } finally {
        probe.disconnect();
      }
    },
    async close() {
      for (const client of clients) client.disconnect();
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * One Redis for a test file (started before its first test, stopped after its last) and a list of
 * things to close after each test (servers, workers), closed last-first before Redis is emptied
 * for the next test.
 */
export function useRedisPerFile(options: { appendOnly?: boolean } = {}): { redis: () => TestRedis; closeAfterTest: (close: () => Promise<unknown>) => void } {
  let redis: TestRedis | undefined;
  let closers: (() => Promise<unknown>)[] = [];
  beforeAll(async () => {
    redis = await startRedis(options);
  });
  afterAll(async () => {
    await redis?.close();
  });
  afterEach(async () => {
    for (const close of closers.reverse()) await close();
    closers = [];
    await redis?.client().flushall();
  });
  return {
    redis: () => redis!,
    closeAfterTest: (close) => closers.push(close),
  };
}
