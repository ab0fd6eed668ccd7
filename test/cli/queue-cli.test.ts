import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { listRuns } from '../../src/pipeline/list-runs.js';
import { runCli, startCli, type RunningCli } from '../support/cli.js';
import { useRedisPerFile } from '../support/redis.js';
import { closedPort, startSmtpServer, type ReceivedMessage, type SmtpBehaviour, type TestSmtpServer } from '../support/smtp.js';
import { REPO_ROOT, useTempDir } from '../support/temp-dir.js';

/**
 * `digest run` as the coordinator and `digest worker` processes, spawned as an operator would run
 * them, against a real redis-server and a real SMTP server; processes are killed with SIGKILL and
 * what the server received is counted per reader.
 */

const tmp = useTempDir();
const FEED = path.join(REPO_ROOT, 'feeds/world-news.rss.xml');
const PASSWORD = 'secret';

const { redis: testRedis, closeAfterTest } = useRedisPerFile({ appendOnly: true });

/** The mail server; each worker logs in as its own user, so the test can tell who sent what. */
async function smtp(behaviour: SmtpBehaviour = {}): Promise<TestSmtpServer> {
  const server = await startSmtpServer({ users: { a: PASSWORD, b: PASSWORD, c: PASSWORD }, ...behaviour });
  closeAfterTest(() => server.close());
  return server;
}

function project(n: number, delivery: Record<string, unknown> = {}): string {
  const dir = tmp.dir();
  tmp.write('readers.csv', ['email,name,token', ...Array.from({ length: n }, (_, i) => `reader${i}@example.com,Reader ${i},t${i}`)].join('\n'));
  tmp.write(
    'digest.config.yaml',
    [
      `feeds: [${JSON.stringify(FEED)}]`,
      'recipients: readers.csv',
      'from: Digest <digest@news.example>',
      'unsubscribeUrl: "https://news.example/u?t={{token}}"',
      `delivery: ${JSON.stringify({ queue: testRedis().url, maxConnections: 2, rateLimit: 0, attempts: 3, retryDelaySeconds: 0.1, takeoverSeconds: 30, ...delivery })}`,
    ].join('\n'),
  );
  return dir;
}

const env = { DIGEST_QUEUE_URL: '' };

/** A `digest worker` logging in to the mail server as `user`, stopped (SIGTERM) after the test. */
async function worker(cwd: string, server: TestSmtpServer, user: string): Promise<RunningCli> {
  const running = startCli(['worker', '--name', user], { cwd, env: { ...env, SMTP_URL: `smtp://${user}:${PASSWORD}@127.0.0.1:${server.port}` }, timeoutMs: 180_000 });
  closeAfterTest(() => running.stop());
  await running.waitFor(/taking jobs from digest@redis:\/\/127\.0\.0\.1:\d+, sending through SMTP 127\.0\.0\.1:\d+ with 2 connections/, 60_000);
  return running;
}

function byRecipient(messages: ReceivedMessage[]): Map<string, ReceivedMessage[]> {
  const map = new Map<string, ReceivedMessage[]>();
  for (const message of messages) map.set(message.envelopeTo[0]!, [...(map.get(message.envelopeTo[0]!) ?? []), message]);
  return map;
}

function expectNoStack(text: string): void {
  expect(text).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
}

describe('digest worker and the coordinator, as processes', { timeout: 240_000 }, () => {
  it('crash: 2 workers, one SIGKILLed after it sent some, a third started: nobody missing, repeats only within the window (one per connection), same Message-ID', async () => {
    const N = 300;
    const CONNECTIONS = 2;
    const KILL_AFTER = 40;
    // A short lock only here, where a takeover is the point; elsewhere a long one, so a worker a
    // busy machine starves for a few seconds never has its jobs taken over (and sent twice).
    const cwd = project(N, { takeoverSeconds: 5 });
    let a: RunningCli | undefined;
    let fromA = 0;
    let atKill = 0;
    const server = await smtp({
      // Worker a's message KILL_AFTER has arrived and the server keeps it, but a is killed before
      // the 250 reaches it: the worst moment, a message delivered and never reported.
      beforeReply: async (count, user) => {
        if (user === 'a' && ++fromA === KILL_AFTER) {
          a?.child.kill('SIGKILL');
          atKill = count;
          await new Promise((resolve) => setTimeout(resolve, 100));
        } else await new Promise((resolve) => setTimeout(resolve, 10));
      },
    });
    a = await worker(cwd, server, 'a');
    await worker(cwd, server, 'b');
    const coordinator = startCli(['run'], { cwd, env, timeoutMs: 180_000 });
    await a.result;
    expect(a.child.signalCode).toBe('SIGKILL');
    await worker(cwd, server, 'c');
    const run = await coordinator.result;
    expect(run.stderr).not.toMatch(/error|warning/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`Sent ${N} of ${N} via queue digest@redis://127\\.0\\.0\\.1:\\d+ \\(0 deferred, 0 failed\\)\\.`));
    // Under cron (no terminal): progress lines as the workers' reports are recorded, rising to the end.
    const progress = [...run.stderr.matchAll(/^messages sent (\d+)\/(\d+)$/gm)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(progress.at(-1)).toEqual([N, N]);
    expect(progress.map(([done]) => done)).toEqual([...progress.map(([done]) => done!)].sort((x, y) => x - y));

    const received = byRecipient(server.messages);
    expect(received.size).toBe(N);
    const repeats = [...received.entries()].filter(([, copies]) => copies.length > 1);
    for (const [, copies] of repeats) {
      expect(copies).toHaveLength(2);
      // The same message: same Message-ID, so receivers that deduplicate show it once.
      expect(new Set(copies.map((m) => m.parsed.messageId)).size).toBe(1);
      // Sent first by the killed worker, then by the one that took its job over.
      expect(copies[0]!.user).toBe('a');
      expect(copies[1]!.user).not.toBe('a');
    }
    // At least the message a never heard back about; at most one per connection a had.
    expect(repeats.length).toBeGreaterThanOrEqual(1);
    expect(repeats.length).toBeLessThanOrEqual(CONNECTIONS);
    expect(listRuns(loadConfig({ cwd, env: {} }))).toEqual([expect.objectContaining({ id: 1, status: 'done', sent: N, deferred: 0, failed: 0 })]);
    const users = new Map<string, number>();
    for (const m of server.messages) users.set(m.user!, (users.get(m.user!) ?? 0) + 1);
    console.log(
      `queue crash test: ${N} readers, workers a and b (${CONNECTIONS} connections each), a SIGKILLed when the server had its message ${KILL_AFTER}, before the reply (message ${atKill} overall), c started; ` +
        `messages by worker: ${[...users].map(([u, n]) => `${u} ${n}`).join(', ')}; ${server.messages.length} in all, ${repeats.length} reader(s) got a second copy (window: at most ${CONNECTIONS}), 0 missing`,
    );
  });

  it('SIGTERM: a worker finishes and reports the messages in flight, then exits 0; nobody gets two', async () => {
    const N = 40;
    const cwd = project(N);
    let a: RunningCli | undefined;
    const server = await smtp({
      afterAccept: (count) => count === 10 && void a?.child.kill('SIGTERM'),
      beforeReply: () => new Promise((resolve) => setTimeout(resolve, 100)),
    });
    a = await worker(cwd, server, 'a');
    const coordinator = startCli(['run'], { cwd, env, timeoutMs: 180_000 });
    const stopped = await a.result;
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toMatch(/stopping: finishing [0-2] messages? in flight/);
    expect(stopped.stdout).toMatch(/stopped: sent \d+, 0 refused for now \(retried later\), 0 refused for good/);
    await worker(cwd, server, 'b');
    expect((await coordinator.result).code).toBe(0);
    const received = byRecipient(server.messages);
    expect(received.size).toBe(N);
    expect([...received.values()].every((copies) => copies.length === 1)).toBe(true);
  });

  it('a coordinator SIGKILLed mid-run and started again reattaches to the queue: nothing is enqueued again, nobody gets two', async () => {
    const N = 100;
    const cwd = project(N);
    let coordinator: RunningCli | undefined;
    const server = await smtp({
      afterAccept: (count) => count === 20 && void coordinator?.child.kill('SIGKILL'),
      beforeReply: () => new Promise((resolve) => setTimeout(resolve, 20)),
    });
    await worker(cwd, server, 'a');
    coordinator = startCli(['run'], { cwd, env, timeoutMs: 180_000 });
    await coordinator.result;
    expect(coordinator.child.signalCode).toBe('SIGKILL');

    // Meanwhile the workers go on; `digest runs` shows where the run stands.
    const runs = await runCli(['runs'], { cwd, env });
    expect(runs.stdout).toMatch(/Run 1 is with the workers of the queue digest@redis:\/\/127\.0\.0\.1:\d+: `digest run` follows it/);

    const again = await runCli(['run'], { cwd, env, timeoutMs: 180_000 });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^Run 1: 0 enqueued on digest@redis:\/\/\S+, \d+ already there/m);
    expect(again.stdout).toMatch(/Finished run 1 that an earlier process left unfinished/);
    const received = byRecipient(server.messages);
    expect(received.size).toBe(N);
    expect([...received.values()].every((copies) => copies.length === 1)).toBe(true);
    const list = await runCli(['runs'], { cwd, env });
    expect(list.stdout).toMatch(new RegExp(`^\\s+1 .* done\\s+\\d+\\s+${N}\\s+0\\s+0 `, 'm'));
  });

  it('Redis down: `digest run` and `digest worker` stop at once with a clear error; nothing is recorded', async () => {
    const down = `redis://127.0.0.1:${await closedPort()}`;
    const cwd = project(3, { queue: down });
    const run = await runCli(['run'], { cwd, env });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: cannot reach the delivery queue's Redis at redis:\/\/127\.0\.0\.1:\d+: connect ECONNREFUSED/);
    expect(run.stderr).toMatch(/→ Start Redis there, or correct delivery\.queue in the config \(or DIGEST_QUEUE_URL\)\. Nothing was enqueued or recorded/);
    expectNoStack(run.stderr);
    expect((await runCli(['runs'], { cwd, env })).stdout).toBe('No runs recorded yet.\n');

    const worker = await runCli(['worker'], { cwd, env: { ...env, SMTP_URL: 'smtp://127.0.0.1:2525' } });
    expect(worker.code).toBe(1);
    expect(worker.stderr).toMatch(/^error: cannot reach the delivery queue's Redis at /);
    expect(worker.stderr).toMatch(/This worker did not start\./);
    expectNoStack(worker.stderr);
  });

  it('a worker without a queue or without SMTP_URL says what to set', async () => {
    const cwd = project(1);
    tmp.write('plain.yaml', `feeds: [${JSON.stringify(FEED)}]`);
    const noQueue = await runCli(['worker', '--config', 'plain.yaml'], { cwd, env: { ...env, SMTP_URL: 'smtp://127.0.0.1:2525' } });
    expect(noQueue.code).toBe(1);
    expect(noQueue.stderr).toMatch(/^error: plain\.yaml: digest worker needs a delivery queue, and none is configured\n {2}→ Set delivery\.queue/);
    const noSmtp = await runCli(['worker'], { cwd, env });
    expect(noSmtp.code).toBe(1);
    expect(noSmtp.stderr).toMatch(/^error: digest\.config\.yaml: digest worker sends over SMTP, and SMTP_URL is not set\n {2}→ Set SMTP_URL on this machine/);
    const help = await runCli(['worker', '--help'], { cwd, env });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--concurrency <n>/);
    expect(help.stdout).toMatch(/Sizing for 1,000,000 readers/);
  });
});
