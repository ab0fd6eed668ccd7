import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { main } from '../../src/cli/main.js';
import { listRuns } from '../../src/pipeline/list-runs.js';
import { retryRun } from '../../src/pipeline/retry-run.js';
import { runCli, startCli } from '../support/cli.js';
import { startSilentServer, startSmtpServer, type ReceivedMessage } from '../support/smtp.js';
import { REPO_ROOT, useTempDir } from '../support/temp-dir.js';

const tmp = useTempDir();
let closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.map((close) => close()));
  closers = [];
});

async function smtpServer(behaviour: Parameters<typeof startSmtpServer>[0] = {}) {
  const server = await startSmtpServer(behaviour);
  closers.push(() => server.close());
  return server;
}

const FEED = path.join(REPO_ROOT, 'feeds/world-news.rss.xml');

/**
 * A config with one sample feed, the given recipients (inline or a CSV path) and delivery settings.
 * The sample feed is dated November 2026: no age limit for it, so the test does not depend on today.
 */
function writeConfig(recipients: string, extra = ''): string {
  const dir = tmp.dir();
  tmp.write('digest.config.yaml', [`feeds: [{ url: ${JSON.stringify(FEED)}, maxAgeDays: 0 }]`, `recipients: ${recipients}`, 'from: Digest <digest@news.example>', extra].join('\n'));
  return dir;
}

function expectNoStack(text: string): void {
  expect(text).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
}

function byRecipient(messages: ReceivedMessage[]): Map<string, ReceivedMessage[]> {
  const map = new Map<string, ReceivedMessage[]>();
  for (const message of messages) {
    const to = message.envelopeTo[0]!;
    map.set(to, [...(map.get(to) ?? []), message]);
  }
  return map;
}

describe('crash safety: SIGKILL in the middle of sending', () => {
  it('the rerun finishes the same run with the same digest; at most one message per connection is sent twice', async () => {
    const N = 300;
    const CONNECTIONS = 2;
    const KILL_AT = 100;
    const csv = ['email,name,token', ...Array.from({ length: N }, (_, i) => `reader${i}@example.com,Reader ${i},t${i}`)].join('\n');
    tmp.write('readers.csv', csv);
    const cwd = writeConfig('readers.csv', `unsubscribeUrl: "https://news.example/u?t={{token}}"\ndelivery:\n  maxConnections: ${CONNECTIONS}\n  rateLimit: 0`);

    let child: ReturnType<typeof startCli>['child'] | undefined;
    const server = await smtpServer({
      // The 250 for this message is on its way: the worst moment, the server has the message and
      // the sender has not recorded it yet.
      afterAccept: (count) => count === KILL_AT && child?.kill('SIGKILL'),
    });
    const env = { SMTP_URL: server.url };
    const first = startCli(['run'], { cwd, env });
    child = first.child;
    const crashed = await first.result;
    expect(crashed.code).toBeNull();
    expect(first.child.signalCode).toBe('SIGKILL');
    const beforeRerun = server.messages.length;
    expect(beforeRerun).toBeGreaterThanOrEqual(KILL_AT);
    expect(beforeRerun).toBeLessThan(N);

    const rerun = await runCli(['run'], { cwd, env });
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toMatch(/Finished run 1 that an earlier process left unfinished/);

    const received = byRecipient(server.messages);
    expect(received.size).toBe(N);
    const duplicates = [...received.values()].filter((copies) => copies.length > 1);
    for (const copies of duplicates) {
      // A repeat is the very same message: same Message-ID, so receivers that deduplicate collapse it.
      expect(new Set(copies.map((m) => m.parsed.messageId)).size).toBe(1);
      expect(copies).toHaveLength(2);
    }
    expect(duplicates.length).toBeLessThanOrEqual(CONNECTIONS);
    // The same digest for everyone, before and after the crash: one subject, one body once the
    // recipient's own values are taken out.
    expect(new Set(server.messages.map((m) => m.parsed.subject)).size).toBe(1);
    const bodies = new Set(
      [...received.entries()].map(([to, copies]) => {
        const i = /reader(\d+)@/.exec(to)![1];
        return (copies[0]!.parsed.html as string).replaceAll(to, '').replaceAll(`Reader ${i}`, '').replaceAll(`t=t${i}`, '');
      }),
    );
    expect(bodies.size).toBe(1);

    expect(listRuns(loadConfig({ cwd, env: {} }))).toEqual([expect.objectContaining({ id: 1, status: 'done', sent: N, deferred: 0, failed: 0 })]);
    console.log(
      `crash test: ${N} recipients over ${CONNECTIONS} connections, SIGKILL after message ${KILL_AT} was accepted; ` +
        `${beforeRerun} messages before the kill, ${server.messages.length - beforeRerun} after the rerun, ${server.messages.length} in all; ` +
        `${duplicates.length} recipient(s) got a second copy (window: at most ${CONNECTIONS}, one per connection)`,
    );
  });
});

describe('overlapping runs', () => {
  it('two `digest run` started together: one sends, the other stops at once with the lock message', async () => {
    const cwd = writeConfig('[a@example.com, b@example.com]');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // The server holds the first message until one of the two processes has exited, so the
    // runs certainly overlap.
    const server = await smtpServer({ beforeReply: () => Promise.race([gate, new Promise<void>((resolve) => setTimeout(resolve, 20_000))]) });
    const env = { SMTP_URL: server.url };
    const a = startCli(['run'], { cwd, env });
    const b = startCli(['run'], { cwd, env });
    const first = await Promise.race([a.result, b.result]);
    release();
    const results = await Promise.all([a.result, b.result]);
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/^error: another digest process \(pid \d+, `digest run`, since \S+\) is already working with \.digest\/state\.sqlite; this one did nothing\n/);
    expect(first.stderr).toMatch(/→ Runs never overlap/);
    expect(first.stdout).toBe('');
    expectNoStack(first.stderr);
    const winner = results.find((r) => r !== first)!;
    expect(winner.code).toBe(0);
    expect(winner.stdout).toMatch(/Sent 2 of 2 via SMTP/);
    expect(server.messages.map((m) => m.envelopeTo[0]).sort()).toEqual(['a@example.com', 'b@example.com']);
  });
});

describe('digest runs', () => {
  it('lists runs with sent, deferred and failed; `runs retry` sends the temporary failures once the server takes them', async () => {
    let busy = true;
    const server = await smtpServer({
      rejectRecipient: (address) =>
        address === 'gone@example.com' ? { code: 550, message: 'No such user' } : address === 'busy@example.com' && busy ? { code: 452, message: 'Mailbox full, try later' } : undefined,
    });
    const cwd = writeConfig('[ok@example.com, gone@example.com, busy@example.com]', 'timezone: Europe/London\ndelivery:\n  attempts: 2\n  retryDelaySeconds: 0.05');
    const env = { SMTP_URL: server.url };

    const run = await runCli(['run'], { cwd, env });
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/Sent 1 of 3 via SMTP 127\.0\.0\.1:\d+ \(1 deferred, 1 failed\)\./);
    expect(run.stdout).toMatch(/✗ gone@example.com \(failed-permanent\): 550 No such user/);
    expect(run.stdout).toMatch(/✗ busy@example.com \(failed-temporary\): 452 Mailbox full, try later/);
    expect(run.stdout).toMatch(/1 refused for now \(4xx\): `digest runs retry 1` tries them again\./);
    expect(server.attempts.get('gone@example.com')).toBe(1);
    expect(server.attempts.get('busy@example.com')).toBe(2);

    const list = await runCli(['runs'], { cwd });
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^ +run {2}slot +via +status +items +sent +written +deferred +failed {2}subject\n/);
    expect(list.stdout).toMatch(/^ +1 {2}\d{4}-\d\d-\d\d 07:00 Europe\/London \(UTC(\+1)?\) {2}smtp {4}partial +\d+ +1 +0 +1 +1 {2}Morning Digest: /m);
    expect(list.stdout).toMatch(/Run 1: 1 refused for now: `digest runs retry 1` tries them again\./);

    busy = false;
    const retry = await runCli(['runs', 'retry', '1'], { cwd, env });
    expect(retry.code).toBe(0);
    expect(retry.stdout).toMatch(/Run 1 \(".*"\): 1 temporarily failed recipient put back in the queue\.\nSent 1 of 1 via SMTP/);
    expect(server.messages.map((m) => m.envelopeTo[0]).sort()).toEqual(['busy@example.com', 'ok@example.com']);

    // Nobody left to retry; an unknown run is named (in-process: the CLI prints these messages).
    const config = loadConfig({ cwd, env });
    expect(await retryRun(config, 1)).toMatchObject({ runId: 1, requeued: 0, delivery: null, status: 'partial' });
    await expect(retryRun(config, 7)).rejects.toMatchObject({ code: 'RUN_NOT_FOUND', message: expect.stringMatching(/^there is no run 7 in /), hint: expect.stringContaining('`digest runs` lists') });
  });
});

describe('recipients from a CSV file', () => {
  it('skips invalid addresses and sends duplicates once, with CSV fields in the per-reader link', async () => {
    tmp.write(
      'readers.csv',
      ['email,name,token', 'ada@example.com,Ada,a1', 'not-an-address,Nobody,x', 'ADA@example.com,Ada again,a2', 'bob@example.com,Bob,b1', ',Empty,e'].join('\n'),
    );
    const cwd = writeConfig('readers.csv', 'unsubscribeUrl: "https://news.example/u?t={{token}}&e={{email}}"');
    const server = await smtpServer();
    const result = await runCli(['run'], { cwd, env: { SMTP_URL: server.url } });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('warning: readers.csv:3: "not-an-address" is not a valid email address; skipped');
    expect(result.stderr).toContain('warning: readers.csv:4: ADA@example.com is listed more than once; it gets one copy');
    expect(result.stderr).toContain('warning: readers.csv:6: "" is not a valid email address; skipped');
    expect(result.stdout).toMatch(/Sent 2 of 2 via SMTP/);
    const received = byRecipient(server.messages);
    expect([...received.keys()].sort()).toEqual(['ada@example.com', 'bob@example.com']);
    const ada = received.get('ada@example.com')![0]!;
    expect(ada.raw.toString()).toMatch(/List-Unsubscribe: <https:\/\/news\.example\/u\?t=a1&e=ada%40example\.com>/);
    expect(ada.parsed.html).toContain('https://news.example/u?t=a1&amp;e=ada%40example.com');
  });
});

describe('bad delivery settings get one clear message, no stack trace, and lose nothing', () => {
  it('a DKIM key path that does not exist stops the run before anything is recorded', async () => {
    const cwd = writeConfig('[a@example.com]', 'delivery:\n  dkim:\n    selector: mail\n    privateKeyFile: keys/missing.pem');
    const result = await runCli(['run'], { cwd });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: delivery.dkim.privateKeyFile: cannot read the DKIM key keys\/missing.pem \(ENOENT\)\n {2}→ Point delivery.dkim.privateKeyFile at the PEM private key/);
    expectNoStack(result.stderr);
    expect(existsSync(path.join(cwd, '.digest'))).toBe(false);
  });

  it('a malformed schedule names the line and what to write', () => {
    const cwd = writeConfig('[a@example.com]', 'schedule: "0 25 * * *"');
    expect(() => loadConfig({ cwd, env: {} })).toThrow(
      'digest.config.yaml:4: schedule: "0 25 * * *" is not a usable cron expression (Invalid value for hour: 25); write "minute hour day month weekday", e.g. "0 7 * * *"',
    );
  });

  it('a refused login says to check the credentials, and leaves the readers pending', async () => {
    const server = await smtpServer({ auth: { user: 'digest', pass: 'right' } });
    const cwd = writeConfig('[a@example.com, b@example.com]');
    const result = await runCli(['run'], { cwd, env: { SMTP_URL: `smtp://digest:wrong@127.0.0.1:${server.port}` } });
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/Sent 0 of 2 via SMTP .* \(2 deferred, 0 failed\)\./);
    expect(result.stdout).toMatch(/Sending stopped: SMTP 127\.0\.0\.1:\d+: .*535/);
    expect(result.stdout).toMatch(/→ The server refused the user name or password: check them in SMTP_URL/);
    expectNoStack(result.stdout + result.stderr);
    expect(listRuns(loadConfig({ cwd, env: {} }))).toEqual([expect.objectContaining({ status: 'sending', sent: 0, deferred: 2 })]);
  });

  it('a server that never answers is given up on after the connection timeout', async () => {
    const silent = await startSilentServer();
    closers.push(() => silent.close());
    const cwd = writeConfig('[a@example.com]', 'delivery:\n  connectionTimeoutSeconds: 0.5\n  attempts: 1');
    const result = await runCli(['run'], { cwd, env: { SMTP_URL: silent.url } });
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/Sent 0 of 1 .* \(1 deferred, 0 failed\)\./);
    expect(result.stdout).toMatch(/→ The server did not answer in time: .*delivery\.connectionTimeoutSeconds/);
    expectNoStack(result.stdout + result.stderr);
  });
});

describe('help for the delivery commands', () => {
  it('schedule, runs and runs retry explain themselves', async () => {
    let printed = '';
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => ((printed += chunk), true)) as typeof process.stdout.write;
    try {
      for (const command of ['schedule', 'runs list', 'runs retry']) {
        printed = '';
        expect(await main([process.execPath, 'digest', ...command.split(' '), '--help']), command).toBe(0);
        expect(printed, command).toMatch(/Usage: digest/);
        expect(printed, command).toContain('--config');
      }
    } finally {
      process.stdout.write = write;
    }
  });
});

describe('digest schedule', () => {
  it('catches up a slot that has just passed, sends, and stops cleanly on SIGTERM', async () => {
    const server = await smtpServer();
    const cwd = writeConfig('[a@example.com]', 'schedule: "* * * * *"\ntimezone: Europe/Berlin');
    const scheduler = startCli(['schedule'], { cwd, env: { SMTP_URL: server.url } });
    const deadline = Date.now() + 120_000;
    while (!/next digest at/.test(scheduler.stdout()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    scheduler.child.kill('SIGTERM');
    const result = await scheduler.result;
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/scheduling "Morning Digest" on "\* \* \* \* \*" in Europe\/Berlin; a slot missed by up to 120 min is caught up/);
    expect(result.stdout).toMatch(/sending the \d{4}-\d\d-\d\d \d\d:\d\d Europe\/Berlin \(UTC\+\d\) digest/);
    expect(result.stdout).toMatch(/Sent 1 of 1 via SMTP/);
    expect(result.stdout).toMatch(/next digest at \d{4}-\d\d-\d\d \d\d:\d\d Europe\/Berlin/);
    expect(result.stdout).toMatch(/SIGTERM: stopping/);
    expect(result.stdout).toMatch(/\] stopped\n$/);
    expect(server.messages).toHaveLength(1);
  });
});
