import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BounceReport } from '../../src/bounces/process-bounces.js';
import { StateStore } from '../../src/state/state-store.js';
import { bounceProject, TEST_SECRET, type BounceProject } from '../support/bounce-project.js';
import { bounceFixtureNames } from '../support/bounces.js';
import { runCli } from '../support/cli.js';
import { startDovecot, type TestImapServer } from '../support/dovecot.js';

/**
 * `digest bounces --imap` against a real IMAP server (Dovecot from Debian's packages, started by
 * the test). Without Dovecot these tests fail with the command that installs it.
 */

let imap: TestImapServer;
let project: BounceProject;
let dir: string;

beforeAll(async () => {
  imap = await startDovecot();
  dir = mkdtempSync(path.join(tmpdir(), 'digest-imap-test-'));
  project = bounceProject(dir);
  const client = await imap.client();
  try {
    for (const name of bounceFixtureNames()) await client.append('INBOX', project.fixture(name, project.runId, '\r\n'));
  } finally {
    await client.logout();
  }
}, 120_000);

afterAll(async () => {
  await imap?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const env = () => ({ IMAP_PASSWORD: imap.password, DIGEST_SECRET: TEST_SECRET });
const bounces = (args: string[], extraEnv: Record<string, string> = {}) =>
  runCli(['bounces', '--config', path.join(dir, 'digest.config.yaml'), ...args], { cwd: dir, env: { ...env(), ...extraEnv }, timeoutMs: 120_000 });

async function mailbox(name: string): Promise<{ subject: string; seen: boolean }[]> {
  const client = await imap.client();
  try {
    const lock = await client.getMailboxLock(name);
    try {
      const exists = typeof client.mailbox === 'object' && client.mailbox ? client.mailbox.exists : 0;
      if (exists === 0) return [];
      const messages = await client.fetchAll('1:*', { envelope: true, flags: true });
      return messages.map((m) => ({ subject: m.envelope?.subject ?? '', seen: m.flags?.has('\\Seen') ?? false }));
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

describe('digest bounces --imap (Dovecot)', () => {
  it('a dry run reports and changes nothing in the mailbox or the state', async () => {
    const result = await bounces(['--imap', imap.url(), '--dry-run', '--json']);
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout) as BounceReport & { exitCode: number };
    expect(report).toMatchObject({ dryRun: true, counts: { read: 17, suppressed: 8, left: 2, moved: 0 } });
    expect(await mailbox('INBOX')).toHaveLength(17);
    expect((await mailbox('INBOX')).some((m) => m.seen)).toBe(false);
  }, 120_000);

  it('suppresses, moves what it processed to "Processed" marked read, and leaves the rest untouched', async () => {
    const result = await bounces(['--imap', imap.url()]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stdout).toMatch(new RegExp(`Read 17 messages from IMAP imap://bounces%40news\\.example\\.com@127\\.0\\.0\\.1:${imap.port}/INBOX\\.`));
    expect(result.stdout).toMatch(/hard bounce +alice@example\.net \(run 1\): mailbox does not exist \(5\.1\.1\) → suppressed/);
    expect(result.stdout).toMatch(/complaint +ivy@yahoo\.example \(run 1\): marked as spam \(abuse, Yahoo!-Mail-Feedback\/2\.0\) → suppressed/);
    expect(result.stdout).toMatch(/soft bounce +bob@example\.org \(run 1\): mailbox full \(4\.2\.2\) → soft bounce 1 of 3/);
    expect(result.stdout).toMatch(/Left where they are, for a person to read \(2\):/);
    expect(result.stdout).toMatch(/Suppressed 8 readers \(6 hard bounces, 2 complaints\); 1 soft bounce counted\./);
    expect(result.stdout).toMatch(/Moved processed mail \(marked read\): 15 from IMAP .* to mailbox "Processed"\./);
    expect(result.stdout).not.toContain(imap.password);

    const inbox = await mailbox('INBOX');
    expect(inbox.map((m) => m.subject).sort()).toEqual(['Re: Morning Digest — Thursday 3 December', 'Undelivered Mail Returned to Sender']);
    expect(inbox.some((m) => m.seen)).toBe(false);
    const processed = await mailbox('Processed');
    expect(processed).toHaveLength(15);
    expect(processed.every((m) => m.seen)).toBe(true);

    const store = StateStore.open(project.config.statePath);
    try {
      expect(store.listSuppressions().map((s) => `${s.email} ${s.reason}`).sort()).toEqual([
        'alice@example.net hard-bounce',
        'carol@example.com hard-bounce',
        'erin@example.com hard-bounce',
        'frank@example.net hard-bounce',
        'grace@contoso.example hard-bounce',
        'henry@example.org hard-bounce',
        'ivy@yahoo.example complaint',
        'jack@aol.example complaint',
      ]);
      expect(store.suppression('alice@example.net')?.detail).toMatch(/mailbox does not exist \(5\.1\.1\).*DSN from relay\.news\.example\.com, run 1, INBOX UID \d+/);
    } finally {
      store.close();
    }

    // The next run reads only what was left, and leaves it again.
    const again = await bounces(['--imap', imap.url(), '--json']);
    const report = JSON.parse(again.stdout) as BounceReport & { exitCode: number };
    expect(report.counts).toMatchObject({ read: 2, left: 2, moved: 0, suppressed: 0 });
    expect(report.exitCode).toBe(2);
    expect(await mailbox('INBOX')).toHaveLength(2);
  }, 180_000);

  it('a wrong password or mailbox is a clear error that changes nothing', async () => {
    const wrong = await bounces(['--imap', imap.url()], { IMAP_PASSWORD: 'not it' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(new RegExp(`IMAP imap://127\\.0\\.0\\.1:${imap.port}/INBOX: cannot log in`));
    expect(wrong.stderr).toMatch(/refused the user name or password: check the user in the URL and IMAP_PASSWORD/);
    expect(wrong.stderr).not.toMatch(/at .*\.js:\d+/);
    const missing = await bounces(['--imap', imap.url('Nope')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot open the mailbox "Nope"/);
    const noPassword = await bounces(['--imap', imap.url()], { IMAP_PASSWORD: '' });
    expect(noPassword.code).toBe(1);
    expect(noPassword.stderr).toMatch(/no password for the IMAP login/);
    expect(await mailbox('INBOX')).toHaveLength(2);
  }, 120_000);
});
