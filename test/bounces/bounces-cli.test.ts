import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bounceProject, TEST_SECRET } from '../support/bounce-project.js';
import { runCli } from '../support/cli.js';
import { useTempDir } from '../support/temp-dir.js';

const tmp = useTempDir();

describe('digest bounces and digest check from the command line', () => {
  it('reads a Maildir, prints what it did, and exits 2 when it left mail for a person', async () => {
    const project = bounceProject(tmp.dir());
    project.fillMaildir(path.join(tmp.dir(), 'Maildir'), ['postfix-user-unknown.eml', 'sieve-vacation.eml', 'human-reply.eml']);
    const result = await runCli(['bounces', 'Maildir'], { cwd: tmp.dir(), env: { DIGEST_SECRET: TEST_SECRET } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/^Read 3 messages from Maildir Maildir\.$/m);
    expect(result.stdout).toMatch(/^ {2}hard bounce {2}alice@example\.net \(run 1\): mailbox does not exist \(5\.1\.1\) → suppressed$/m);
    expect(result.stdout).toMatch(/^ {2}auto-reply {3}mia@example\.org: automatic reply \(not a bounce\)$/m);
    expect(result.stdout).toMatch(/^Left where it is, for a person to read \(1\):$/m);
    expect(result.stdout).toMatch(/^Moved processed mail \(marked read\): 2 from Maildir Maildir to Maildir\/\.Processed\.$/m);
  }, 120_000);

  it('--quiet prints nothing when all went well, and the whole report when mail was left for a person', async () => {
    const project = bounceProject(tmp.dir());
    project.fillMaildir(path.join(tmp.dir(), 'Maildir'), ['postfix-user-unknown.eml', 'sieve-vacation.eml']);
    const clean = await runCli(['bounces', 'Maildir', '--quiet'], { cwd: tmp.dir(), env: { DIGEST_SECRET: TEST_SECRET } });
    expect(clean.code).toBe(0);
    expect(clean.stdout).toBe('');
    expect(clean.stderr).toBe('');
    project.fillMaildir(path.join(tmp.dir(), 'Maildir2'), ['human-reply.eml']);
    const left = await runCli(['bounces', 'Maildir2', '--quiet'], { cwd: tmp.dir(), env: { DIGEST_SECRET: TEST_SECRET } });
    expect(left.code).toBe(2);
    expect(left.stdout).toMatch(/^Left where it is, for a person to read \(1\):$/m);
  }, 120_000);

  it('says what to give it when there is nothing to read', async () => {
    bounceProject(tmp.dir());
    const result = await runCli(['bounces'], { cwd: tmp.dir(), env: { DIGEST_SECRET: TEST_SECRET } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no mailbox to read: name one, or set bounces\.mailbox in the config/);
    expect(result.stderr).toMatch(/--imap imaps:\/\//);
  }, 120_000);

  it('digest check shows the envelope sender, or that DIGEST_SECRET is missing', async () => {
    bounceProject(tmp.dir());
    const ok = await runCli(['check'], { cwd: tmp.dir(), env: { DIGEST_SECRET: TEST_SECRET } });
    expect(ok.stdout).toMatch(/^✓ bounces: envelope sender per reader, e\.g\. bounces\+1-[a-z2-7]{13}@news\.example\.com; set bounces\.mailbox/m);
    const missing = await runCli(['check'], { cwd: tmp.dir(), env: { DIGEST_SECRET: '' } });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/^✗ bounces: .*delivery\.bounceAddress is set, but the DIGEST_SECRET environment variable is not/m);
  }, 240_000);
});
