import path from 'node:path';
import { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { DeliveryError } from '../../src/errors.js';
import { listRuns } from '../../src/pipeline/list-runs.js';
import { retryRun } from '../../src/pipeline/retry-run.js';
import { runDigest } from '../../src/pipeline/run-digest.js';
import { coordinateRun } from '../../src/queue/coordinate-run.js';
import { runWorker, type WorkerEvent, type WorkerSummary } from '../../src/queue/run-worker.js';
import type { DeliverySettings } from '../../src/deliver/deliver-run.js';
import { StateStore } from '../../src/state/state-store.js';
import { useRedisPerFile } from '../support/redis.js';
import { closedPort, startSmtpServer, type ReceivedMessage, type TestSmtpServer } from '../support/smtp.js';
import { REPO_ROOT, useTempDir } from '../support/temp-dir.js';

const tmp = useTempDir();
const FEED = path.join(REPO_ROOT, 'feeds/world-news.rss.xml');
const now = () => new Date('2026-11-28T07:00:05Z');

const { redis: testRedis, closeAfterTest } = useRedisPerFile({ appendOnly: true });

async function smtp(behaviour: Parameters<typeof startSmtpServer>[0] = {}): Promise<TestSmtpServer> {
  const server = await startSmtpServer(behaviour);
  closeAfterTest(() => server.close());
  return server;
}

/** A project with one sample feed, `n` readers (with a name and a token each) and a delivery queue. */
function project(n: number, smtpUrl: string | undefined, delivery: Record<string, unknown> = {}, queueUrl = testRedis().url) {
  const readers = ['email,name,token', ...Array.from({ length: n }, (_, i) => `reader${i}@example.com,Reader ${i},t${i}`)].join('\n');
  tmp.write('readers.csv', readers);
  tmp.write(
    'digest.config.yaml',
    JSON.stringify({
      feeds: [FEED],
      recipients: 'readers.csv',
      from: 'Digest <digest@news.example>',
      unsubscribeUrl: 'https://news.example/u?t={{token}}',
      state: 'state.sqlite',
      out: 'out',
      delivery: { queue: queueUrl, rateLimit: 0, attempts: 2, retryDelaySeconds: 0.05, takeoverSeconds: 30, ...delivery },
    }),
  );
  return loadConfig({ cwd: tmp.dir(), env: smtpUrl ? { SMTP_URL: smtpUrl } : {} });
}

/** Starts a worker in this process; the returned handle stops it (finishing what is in flight). */
function startWorker(config: ReturnType<typeof project>, options: { concurrency?: number } = {}) {
  const stop = new AbortController();
  const events: WorkerEvent[] = [];
  const done = runWorker(config, { relayRetryMs: 100, relayRetryMaxMs: 400, ...options, signal: stop.signal, onEvent: (event) => events.push(event) });
  const handle = {
    events,
    done,
    stop: async (): Promise<WorkerSummary> => {
      stop.abort();
      return done;
    },
  };
  closeAfterTest(() => handle.stop().catch(() => undefined));
  return handle;
}

async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function byRecipient(messages: ReceivedMessage[]): Map<string, ReceivedMessage[]> {
  const map = new Map<string, ReceivedMessage[]>();
  for (const message of messages) map.set(message.envelopeTo[0]!, [...(map.get(message.envelopeTo[0]!) ?? []), message]);
  return map;
}

async function jobsInRedis(config: ReturnType<typeof project>): Promise<Record<string, number>> {
  const queue = new Queue(config.delivery.queueName, { connection: testRedis().client(), prefix: 'bull' });
  try {
    return await queue.getJobCounts();
  } finally {
    await queue.close();
  }
}

// Real processes and servers on a shared machine: generous limits (nothing here asserts speed).
describe('a run sent through the queue by workers', { timeout: 120_000 }, () => {
  it('enqueues one job per reader; two workers send each reader one message with the ledger’s Message-ID; the ledger records every result', async () => {
    const server = await smtp();
    const config = project(60, server.url);
    const workers = [startWorker(config), startWorker(config)];
    const notices: string[] = [];
    const result = await runDigest(config, { now, onNotice: (line) => notices.push(line) });

    expect(result.status).toBe('sent');
    expect(result.delivery).toMatchObject({ sent: 60, failedTemporary: 0, failedPermanent: 0, pending: 0, transport: `queue digest@${testRedis().url}` });
    expect(notices[0]).toMatch(/^Run 1: 60 enqueued on digest@redis:\/\/127\.0\.0\.1:\d+ \(/);
    const received = byRecipient(server.messages);
    expect(received.size).toBe(60);
    expect([...received.values()].every((copies) => copies.length === 1)).toBe(true);

    // The message each reader got is the ledger's: same Message-ID, their own values filled in.
    const store = StateStore.open(config.statePath);
    const rows = store.deliveries(1);
    store.close();
    expect(rows.every((row) => row.status === 'sent')).toBe(true);
    for (const row of rows) {
      const [message] = received.get(row.recipient)!;
      expect(message!.parsed.messageId).toBe(row.messageId);
      const i = /reader(\d+)@/.exec(row.recipient)![1];
      expect(message!.parsed.html).toContain(`https://news.example/u?t=t${i}`);
      expect(message!.raw.toString()).toMatch(new RegExp(`^List-Unsubscribe: <https://news\\.example/u\\?t=t${i}>`, 'm'));
    }
    // Both workers sent, and together exactly the run.
    const summaries = await Promise.all(workers.map((w) => w.stop()));
    expect(summaries.map((s) => s.sent).reduce((a, b) => a + b)).toBe(60);
    expect(summaries.every((s) => s.sent > 0)).toBe(true);
    // Nothing left behind in Redis: every job was removed once its result was recorded, and the rendering with the run.
    expect(Object.values(await jobsInRedis(config)).reduce((a, b) => a + b)).toBe(0);
    expect(await testRedis().client().keys('bull:digest:digest-run:*')).toEqual([]);
    expect(listRuns(config)).toEqual([expect.objectContaining({ id: 1, status: 'done', sent: 60, deferred: 0, failed: 0 })]);
  });

  it('the rate limit is the queue’s, shared by every worker: the coordinator sets it in Redis from delivery.rateLimit', async () => {
    const server = await smtp();
    const limits = async (config: ReturnType<typeof project>) => {
      const queue = new Queue(config.delivery.queueName, { connection: testRedis().client(), prefix: 'bull' });
      try {
        return await queue.getGlobalRateLimit();
      } finally {
        await queue.close();
      }
    };
    startWorker(project(2, server.url));
    await runDigest(project(2, server.url, { rateLimit: 20 }), { now });
    expect(await limits(project(2, server.url))).toEqual({ max: 20, duration: 1000 });
    // Fractions: one message every two seconds.
    const slow = project(2, server.url, { rateLimit: 0.5, whenNothingNew: 'send' });
    const stop = new AbortController();
    await runDigest(slow, { now: () => new Date('2026-11-29T07:00:05Z'), signal: stop.signal, onNotice: () => stop.abort() });
    expect(await limits(slow)).toEqual({ max: 1, duration: 2000 });
  });

  it('two workers together keep to the rate limit: of 12 readers at 4 a second, the last is sent 2 s after the run started at the earliest (three batches a second apart)', async () => {
    const server = await smtp();
    const config = project(12, server.url, { rateLimit: 4 });
    // Two workers with 2 connections each: unlimited, they would send the 12 at once.
    startWorker(config, { concurrency: 2 });
    startWorker(config, { concurrency: 2 });
    const started = performance.now();
    const result = await runDigest(config, { now });
    expect(result.delivery?.sent).toBe(12);
    expect(byRecipient(server.messages).size).toBe(12);
    // A lower bound only, and a sound one on a busy machine: the limiter's first window opens
    // after `started`, the 5th job cannot start until it closes (a second later), nor the 9th until
    // the next one closes. Each worker alone is unlimited (runWorker gives its transport no rate
    // limit): what holds them back is the queue's limiter. (Measured from the first message
    // received instead, the bound would shrink by however long the first connections took.)
    const last = Math.max(...server.messages.map((m) => m.receivedAt));
    expect(last - started).toBeGreaterThanOrEqual(1_950);
  });

  it('a Redis that may evict queued jobs (maxmemory-policy other than noeviction) is named in a warning by the run and by each worker; the run still goes out', async () => {
    const client = testRedis().client();
    await client.config('SET', 'maxmemory-policy', 'allkeys-lru');
    try {
      const server = await smtp();
      const config = project(3, server.url);
      const worker = startWorker(config);
      const result = await runDigest(config, { now });
      expect(result.status).toBe('sent');
      expect(result.delivery).toMatchObject({ sent: 3, pending: 0 });
      const warning = /the delivery queue's Redis at redis:\/\/127\.0\.0\.1:\d+ has maxmemory-policy allkeys-lru: .* Set maxmemory-policy noeviction/;
      expect(result.warnings.filter((line) => warning.test(line))).toHaveLength(1);
      await waitFor(() => worker.events.some((event) => event.type === 'warning'), 'the worker warning');
      expect(worker.events.filter((event) => event.type === 'warning').map((event) => (event as { message: string }).message)).toEqual([expect.stringMatching(warning)]);
    } finally {
      await client.config('SET', 'maxmemory-policy', 'noeviction');
    }
    // With noeviction, no such warning.
    const quiet = await runDigest(project(1, (await smtp()).url), { now: () => new Date('2026-11-29T07:00:05Z') });
    expect(quiet.warnings.join('\n')).not.toMatch(/maxmemory-policy/);
  });

  it('with Redis down at start: a clear error, before anything is recorded or enqueued', async () => {
    const server = await smtp();
    const config = project(3, server.url, {}, `redis://127.0.0.1:${await closedPort()}`);
    const error = await runDigest(config, { now }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ code: 'QUEUE_UNREACHABLE' });
    expect((error as Error).message).toMatch(/^cannot reach the delivery queue's Redis at redis:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
    expect((error as DeliveryError).hint).toMatch(/Nothing was enqueued or recorded/);
    expect(listRuns(config)).toEqual([]);
    expect(server.messages).toHaveLength(0);
  });

  it('5xx is final, 4xx is retried with backoff then left for `digest runs retry`, which sends it through the queue', async () => {
    let busy = true;
    const server = await smtp({
      rejectRecipient: (address) =>
        address === 'reader1@example.com' ? { code: 550, message: 'No such user' } : address === 'reader2@example.com' && busy ? { code: 452, message: 'Mailbox full' } : undefined,
    });
    const config = project(4, server.url);
    startWorker(config);
    const result = await runDigest(config, { now });
    expect(result.delivery).toMatchObject({ sent: 2, failedPermanent: 1, failedTemporary: 1, pending: 0 });
    expect(result.delivery!.problems).toEqual(
      expect.arrayContaining([
        { recipient: 'reader1@example.com', status: 'failed-permanent', message: '550 No such user' },
        { recipient: 'reader2@example.com', status: 'failed-temporary', message: '452 Mailbox full' },
      ]),
    );
    expect(server.attempts.get('reader1@example.com')).toBe(1);
    expect(server.attempts.get('reader2@example.com')).toBe(2);

    busy = false;
    const retried = await retryRun(config, 1, { now });
    expect(retried).toMatchObject({ requeued: 1, status: 'partial', delivery: { sent: 1, failedTemporary: 0 } });
    expect(server.messages.filter((m) => m.envelopeTo[0] === 'reader2@example.com')).toHaveLength(1);
    expect(listRuns(config)[0]).toMatchObject({ sent: 3, deferred: 0, failed: 1 });
  });

  it('a coordinator stopped after enqueueing, started again, reattaches without enqueueing anyone again', async () => {
    const server = await smtp();
    const config = project(30, server.url);
    const stop = new AbortController();
    const notices: string[] = [];
    // No worker yet: stop following once everything is enqueued.
    const first = await runDigest(config, { now, signal: stop.signal, onNotice: (line) => (notices.push(line), stop.abort()) });
    expect(first.delivery).toMatchObject({ sent: 0, pending: 30, interrupted: true });
    expect((await jobsInRedis(config)).waiting).toBe(30);

    // Workers send half of it while no coordinator follows.
    const worker = startWorker(config);
    await waitFor(() => server.messages.length >= 15, '15 messages');
    const again: string[] = [];
    const second = await runDigest(config, { now, onNotice: (line) => again.push(line) });
    expect(second).toMatchObject({ status: 'resumed', runId: 1, delivery: { sent: 30, pending: 0 } });
    expect(again[0]).toMatch(/^Run 1: 0 enqueued on \S+, 30 already there/);
    await worker.stop();
    const received = byRecipient(server.messages);
    expect(received.size).toBe(30);
    expect([...received.values()].every((copies) => copies.length === 1)).toBe(true);
  });

  it('two coordinators enqueueing the same run at once add each reader once: the job id is run and reader', async () => {
    const server = await smtp();
    const config = project(40, server.url);
    // The run is recorded, nothing enqueued yet (stopped before the first page).
    const stopped = new AbortController();
    stopped.abort();
    expect((await runDigest(config, { now, signal: stopped.signal })).delivery).toMatchObject({ sent: 0, pending: 40 });
    expect(Object.values(await jobsInRedis(config)).reduce((a, b) => a + b)).toBe(0);

    const enqueueOnce = async () => {
      const store = StateStore.open(config.statePath);
      const run = store.getRun(1)!;
      const stop = new AbortController();
      try {
        await coordinateRun(config, store, 1, run, run.settings as unknown as DeliverySettings, { now, retryDelayMs: 50, signal: stop.signal, onNotice: () => stop.abort() });
      } finally {
        store.close();
      }
    };
    await Promise.all([enqueueOnce(), enqueueOnce()]);
    expect(await jobsInRedis(config)).toMatchObject({ waiting: 40 });

    startWorker(config);
    expect((await runDigest(config, { now })).delivery).toMatchObject({ sent: 40, pending: 0 });
    const received = byRecipient(server.messages);
    expect(received.size).toBe(40);
    expect([...received.values()].every((copies) => copies.length === 1)).toBe(true);
  });

  it('Redis lost mid-run: the coordinator and the workers wait for it and carry on; nothing is recorded as sent that was not', async () => {
    const N = 80;
    let stopped = false;
    const server = await smtp({
      afterAccept: (count) => {
        if (count === 20 && !stopped) {
          stopped = true;
          void testRedis().stop().then(() => new Promise((resolve) => setTimeout(resolve, 1500))).then(() => testRedis().start());
        }
      },
      beforeReply: () => new Promise((resolve) => setTimeout(resolve, 10)),
    });
    // A job a worker was just being given as Redis went away is taken over after takeoverSeconds.
    const config = project(N, server.url, { takeoverSeconds: 8 });
    const workers = [startWorker(config), startWorker(config)];
    const notices: string[] = [];
    const result = await runDigest(config, { now, onNotice: (line) => notices.push(line) });
    expect(result.delivery).toMatchObject({ sent: N, failedTemporary: 0, failedPermanent: 0, pending: 0 });
    expect(notices.some((line) => /^lost the connection to Redis at digest@redis:\/\/127\.0\.0\.1:\d+ \(.*\): waiting for it; nothing is recorded as sent until a worker's report arrives$/.test(line))).toBe(true);
    expect(notices.some((line) => /^Redis at \S+ is back: following the run again$/.test(line))).toBe(true);
    for (const worker of workers) {
      expect(worker.events.some((e) => e.type === 'redis-down')).toBe(true);
      expect(worker.events.some((e) => e.type === 'redis-back')).toBe(true);
    }
    // Everyone got it; a message sent while Redis was away whose report was lost may come twice,
    // with the same Message-ID (at most one per connection).
    const received = byRecipient(server.messages);
    expect(received.size).toBe(N);
    const repeats = [...received.values()].filter((copies) => copies.length > 1);
    for (const copies of repeats) expect(new Set(copies.map((m) => m.parsed.messageId)).size).toBe(1);
    expect(repeats.length).toBeLessThanOrEqual(4);
    // The ledger says sent only for readers the server has.
    const store = StateStore.open(config.statePath);
    const sent = store.deliveries(1, ['sent']).map((row) => row.recipient);
    store.close();
    expect(sent.every((recipient) => received.has(recipient))).toBe(true);
  });

  it('a mail server that goes down mid-run pauses the worker without using attempts; it resumes when the server is back', async () => {
    const N = 20;
    let first: TestSmtpServer | undefined;
    first = await smtp({ afterAccept: (count) => count === 5 && void first?.halt() });
    const config = project(N, first.url, { attempts: 2 });
    const worker = startWorker(config);
    const run = runDigest(config, { now });
    await waitFor(() => worker.events.some((e) => e.type === 'relay-down'), 'the worker to pause');
    // However long the outage lasts, no job uses up its (two) attempts meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const second = await smtp({ port: first.port });
    const result = await run;
    expect(result.delivery).toMatchObject({ sent: N, failedTemporary: 0, failedPermanent: 0, pending: 0 });
    const received = byRecipient([...first.messages, ...second.messages]);
    expect(received.size).toBe(N);
    // The message the server accepted as it went down may come again (its 250 was cut off), with the same Message-ID.
    for (const copies of received.values()) {
      expect(copies.length).toBeLessThanOrEqual(2);
      expect(new Set(copies.map((m) => m.parsed.messageId)).size).toBe(1);
    }
    const down = worker.events.find((e) => e.type === 'relay-down') as Extract<WorkerEvent, { type: 'relay-down' }>;
    expect(down.message).toMatch(/ECONNREFUSED/);
    expect(down.hint).toMatch(/Nothing accepts connections there.*This worker has paused/);
    expect(worker.events.some((e) => e.type === 'relay-back')).toBe(true);
    expect((await worker.stop()).pauses).toBeGreaterThanOrEqual(1);
  });

  it('a mail server down when the worker starts: it waits for it before taking any job', async () => {
    const port = await closedPort();
    const config = project(3, `smtp://127.0.0.1:${port}`, { attempts: 1 });
    const worker = startWorker(config);
    await waitFor(() => worker.events.some((e) => e.type === 'relay-down'), 'the worker to wait');
    const run = runDigest(config, { now });
    await waitFor(async () => (await jobsInRedis(config)).waiting === 3, 'the jobs to be queued');
    // Queued, and not taken: no attempt is spent while the server is down.
    expect(await jobsInRedis(config)).toMatchObject({ waiting: 3, active: 0, delayed: 0, failed: 0 });
    const server = await smtp({ port });
    expect((await run).delivery).toMatchObject({ sent: 3, pending: 0 });
    expect(byRecipient(server.messages).size).toBe(3);
  });
});
