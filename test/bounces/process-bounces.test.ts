import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TokenSigner } from '../../src/tokens/tokens.js';
import { fileSource, folderSource } from '../../src/bounces/mail-sources.js';
import { processBounces, type BounceReport } from '../../src/bounces/process-bounces.js';
import { StateError } from '../../src/errors.js';
import { StateStore } from '../../src/state/state-store.js';
import { garbageBytes } from '../support/bad-input.js';
import { bounceProject, recordRun, TEST_SECRET } from '../support/bounce-project.js';
import { bounceFixtureNames, BOUNCE_FIXTURES } from '../support/bounces.js';
import { useTempDir } from '../support/temp-dir.js';

const tmp = useTempDir();
const now = () => new Date('2026-12-08T08:00:00Z');

function suppressions(statePath: string): Record<string, string> {
  const store = StateStore.open(statePath);
  try {
    return Object.fromEntries(store.listSuppressions().map((row) => [row.email, row.reason]));
  } finally {
    store.close();
  }
}

function outcomeFor(report: BounceReport, fixtureIndex: number) {
  return report.outcomes.find((o) => o.message.includes(`.M${fixtureIndex}P4242.`))!;
}

describe('processBounces over a Maildir of real servers’ notices', () => {
  it('suppresses hard bounces and complaints, counts soft ones, and moves only what it processed', async () => {
    const project = bounceProject(tmp.dir());
    const maildir = path.join(tmp.dir(), 'Maildir');
    project.fillMaildir(maildir);
    const names = bounceFixtureNames();
    const report = await processBounces(project.config, [folderSource(maildir, 'Processed')], { now, signer: project.signer });

    expect(suppressions(project.config.statePath)).toEqual({
      'alice@example.net': 'hard-bounce',
      'carol@example.com': 'hard-bounce',
      'erin@example.com': 'hard-bounce',
      'frank@example.net': 'hard-bounce',
      'grace@contoso.example': 'hard-bounce',
      'henry@example.org': 'hard-bounce',
      'ivy@yahoo.example': 'complaint',
      'jack@aol.example': 'complaint',
    });
    const byName = (name: string) => outcomeFor(report, names.indexOf(name));
    expect(byName('postfix-user-unknown.eml')).toMatchObject({ verdict: 'hard', reader: 'alice@example.net', runId: project.runId, matchedBy: 'token', action: 'suppressed', processed: true });
    expect(byName('exim-no-verp.eml')).toMatchObject({ verdict: 'hard', reader: 'erin@example.com', matchedBy: 'message-id', action: 'suppressed' });
    expect(byName('aol-arf-complaint.eml')).toMatchObject({ verdict: 'complaint', reader: 'jack@aol.example', matchedBy: 'token', suppressedAs: 'complaint' });
    expect(byName('postfix-mailbox-full.eml')).toMatchObject({ verdict: 'soft', reader: 'bob@example.org', action: 'counted', softBounces: 1 });
    expect(byName('postfix-delayed.eml')).toMatchObject({ verdict: 'delayed', reader: 'bob@example.org', action: 'recorded', processed: true });
    expect(byName('postfix-dmarc-rejected.eml')).toMatchObject({ verdict: 'blocked', reader: 'dan@gmail.example', action: 'recorded', processed: true });
    expect(byName('postfix-dmarc-rejected.eml').note).toMatch(/not the address/);
    for (const name of ['exchange-automatic-reply.eml', 'vacation-x-autoreply.eml', 'sieve-vacation.eml']) {
      expect(byName(name)).toMatchObject({ verdict: 'auto-reply', action: 'none', processed: true });
    }
    // Not understood, or not traceable to a reader: left exactly where it was.
    expect(byName('human-reply.eml')).toMatchObject({ verdict: 'unknown', action: 'left', processed: false });
    expect(byName('postfix-forged-token.eml')).toMatchObject({ verdict: 'hard', action: 'left', processed: false });
    expect(byName('postfix-forged-token.eml').note).toMatch(/does not verify/);

    expect(report.counts).toMatchObject({ read: 17, hard: 7, soft: 1, blocked: 1, complaint: 2, delayed: 2, 'auto-reply': 3, unknown: 1, suppressed: 8, counted: 1, left: 2, moved: 15 });
    const left = readdirSync(path.join(maildir, 'new')).map((f) => readFileSync(path.join(maildir, 'new', f), 'utf8'));
    expect(left).toHaveLength(2);
    expect(left.some((m) => m.includes('Could you also cover the cycling lanes'))).toBe(true);
    expect(left.some((m) => m.includes('relay.attacker.example'))).toBe(true);
    const moved = readdirSync(path.join(maildir, '.Processed', 'cur'));
    expect(moved).toHaveLength(15);
    expect(moved.every((name) => name.endsWith(':2,S'))).toBe(true);
    expect(existsSync(path.join(maildir, '.Processed', 'maildirfolder'))).toBe(true);
  });

  it('counts a notice read twice once, and leaves it processed', async () => {
    const project = bounceProject(tmp.dir());
    const maildir = path.join(tmp.dir(), 'Maildir');
    project.fillMaildir(maildir, ['postfix-mailbox-full.eml', 'postfix-user-unknown.eml']);
    await processBounces(project.config, [folderSource(maildir, 'Processed')], { now, signer: project.signer });
    // The same notices arrive again (a restored mailbox, a second copy).
    project.fillMaildir(maildir, ['postfix-mailbox-full.eml', 'postfix-user-unknown.eml']);
    const again = await processBounces(project.config, [folderSource(maildir, 'Processed')], { now, signer: project.signer });
    expect(again.counts).toMatchObject({ read: 2, duplicates: 2, suppressed: 0, counted: 0, moved: 2 });
    const store = StateStore.open(project.config.statePath);
    try {
      expect(store.softBounceRuns('bob@example.org', '2026-01-01T00:00:00Z')).toBe(1);
      expect(store.listBounceEvents()).toHaveLength(2);
    } finally {
      store.close();
    }
  });

  it('suppresses a soft-bouncing reader once soft bounces came from softLimit different runs within softWindowDays', async () => {
    const project = bounceProject(tmp.dir(), { softLimit: 3, softWindowDays: 30 });
    const runs = [project.runId, recordRun(project.config.statePath, ['bob@example.org'], 'run2'), recordRun(project.config.statePath, ['bob@example.org'], 'run3')];
    const dir = path.join(tmp.dir(), 'drop');
    mkdirSync(dir);
    const notice = (runId: number, n: number) =>
      Buffer.from(project.fixture('postfix-mailbox-full.eml', runId).toString('utf8').replace('<20261208070502.4QyC2m6bH1z2Ktd@relay.news.example.com>', `<notice-${n}@relay.news.example.com>`));
    // Two notices about the first run count as one run.
    writeFileSync(path.join(dir, 'a.eml'), notice(runs[0]!, 1));
    writeFileSync(path.join(dir, 'b.eml'), notice(runs[0]!, 2));
    writeFileSync(path.join(dir, 'c.eml'), notice(runs[1]!, 3));
    const first = await processBounces(project.config, [folderSource(dir, 'Processed')], { now, signer: project.signer });
    expect(first.outcomes.map((o) => o.softBounces)).toEqual([1, 1, 2]);
    expect(suppressions(project.config.statePath)).toEqual({});
    writeFileSync(path.join(dir, 'd.eml'), notice(runs[2]!, 4));
    const second = await processBounces(project.config, [folderSource(dir, 'Processed')], { now, signer: project.signer });
    expect(second.outcomes[0]).toMatchObject({ action: 'suppressed', suppressedAs: 'soft-bounce', softBounces: 3 });
    expect(suppressions(project.config.statePath)).toEqual({ 'bob@example.org': 'soft-bounce' });
    // A plain folder keeps processed files in a subfolder.
    expect(readdirSync(path.join(dir, 'Processed')).sort()).toEqual(['a.eml', 'b.eml', 'c.eml', 'd.eml']);
  });

  it('in a dry run reports what it would do, and changes nothing', async () => {
    const project = bounceProject(tmp.dir());
    const maildir = path.join(tmp.dir(), 'Maildir');
    project.fillMaildir(maildir);
    const report = await processBounces(project.config, [folderSource(maildir, 'Processed')], { now, signer: project.signer, dryRun: true });
    expect(report.dryRun).toBe(true);
    expect(report.counts).toMatchObject({ suppressed: 8, moved: 0, left: 2 });
    expect(suppressions(project.config.statePath)).toEqual({});
    expect(readdirSync(path.join(maildir, 'new'))).toHaveLength(17);
    expect(existsSync(path.join(maildir, '.Processed'))).toBe(false);
  });

  it('accepts tokens signed with a previous secret while DIGEST_SECRET is rotated', async () => {
    const project = bounceProject(tmp.dir());
    const old = new TokenSigner('the secret we used last year, also long enough!!');
    const rotated = new TokenSigner(TEST_SECRET, ['the secret we used last year, also long enough!!']);
    const file = tmp.write('old.eml', '');
    writeFileSync(file, Buffer.from(project.fixture('qmail-user-unknown.eml').toString('utf8').replaceAll(project.values().verp('frank@example.net'), project.values(project.runId, 'run1', old).verp('frank@example.net'))));
    // The copy of the message carries our Message-ID too; without it, only the token can say.
    const withoutId = readFileSync(file, 'utf8').replace(/^Message-ID: .*$/m, '');
    writeFileSync(file, withoutId);
    const unverified = await processBounces(project.config, [fileSource([file])], { now, signer: project.signer, dryRun: true });
    expect(unverified.outcomes[0]).toMatchObject({ action: 'left' });
    const report = await processBounces(project.config, [fileSource([file])], { now, signer: rotated });
    expect(report.outcomes[0]).toMatchObject({ verdict: 'hard', reader: 'frank@example.net', matchedBy: 'token', action: 'suppressed' });
    // Files named on the command line stay where they are.
    expect(existsSync(file)).toBe(true);
  });

  it('without DIGEST_SECRET, still finds readers by Message-ID and leaves token-only notices', async () => {
    const project = bounceProject(tmp.dir());
    const yahoo = tmp.write('yahoo.eml', '');
    writeFileSync(yahoo, Buffer.from(project.fixture('yahoo-arf-complaint.eml').toString('utf8').replace(/^Message-ID: <digest\..*$/m, '')));
    const exim = tmp.write('exim.eml', '');
    writeFileSync(exim, project.fixture('exim-no-verp.eml'));
    const report = await processBounces(project.config, [fileSource([yahoo, exim])], { now });
    expect(report.outcomes[0]).toMatchObject({ verdict: 'complaint', action: 'left' });
    expect(report.outcomes[0]!.note).toMatch(/DIGEST_SECRET is not set/);
    expect(report.outcomes[1]).toMatchObject({ verdict: 'hard', reader: 'erin@example.com', matchedBy: 'message-id', action: 'suppressed' });
  });

  it('leaves what it cannot read as mail, and says why', async () => {
    const project = bounceProject(tmp.dir());
    const dir = path.join(tmp.dir(), 'drop');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'garbage.eml'), garbageBytes(20_000));
    writeFileSync(path.join(dir, 'empty.eml'), '');
    const report = await processBounces(project.config, [folderSource(dir, 'Processed')], { now, signer: project.signer });
    expect(report.outcomes.map((o) => o.action)).toEqual(['left', 'left']);
    expect(readdirSync(dir).sort()).toEqual(['empty.eml', 'garbage.eml']);
  });

  it('refuses to run without the state file the digest wrote', async () => {
    const project = bounceProject(tmp.dir());
    const config = { ...project.config, statePath: path.join(tmp.dir(), 'elsewhere', 'state.sqlite') };
    const error = await processBounces(config, [fileSource([path.join(BOUNCE_FIXTURES, 'human-reply.eml')])], { now }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateError);
    expect((error as StateError).hint).toMatch(/same config/);
    expect(existsSync(config.statePath)).toBe(false);
  });
});

describe('applyBounce: the one policy for bounces from any source', () => {
  it('a provider’s soft bounces without a run count one each; a repeated event id counts once', async () => {
    const { applyBounce } = await import('../../src/bounces/apply-bounce.js');
    const store = StateStore.open(':memory:');
    const policy = { softLimit: 2, softWindowDays: 30 };
    const event = (id: string) => ({
      noticeKey: id, email: 'Sam@Example.com', runId: undefined, kind: 'soft' as const, status: '4.2.2', reason: 'mailbox full (4.2.2)',
      detail: 'mailbox full (4.2.2) (webhook)', source: 'webhook', suppressedBy: 'webhook', occurredAt: now(), now: now(),
    });
    expect(store.transaction(() => applyBounce(store, event('evt-1'), policy))).toEqual({ action: 'counted', softBounces: 1 });
    expect(store.transaction(() => applyBounce(store, event('evt-1'), policy))).toEqual({ action: 'duplicate' });
    expect(store.transaction(() => applyBounce(store, event('evt-2'), policy))).toEqual({ action: 'suppressed', suppressedAs: 'soft-bounce', softBounces: 2 });
    expect(store.suppression('sam@example.com')).toMatchObject({ reason: 'soft-bounce', source: 'webhook' });
    // Older than the window: not counted.
    const old = { ...event('evt-3'), email: 'old@example.com', occurredAt: new Date('2026-10-01T00:00:00Z') };
    expect(applyBounce(store, old, policy)).toEqual({ action: 'counted', softBounces: 0 });
    store.close();
  });
});
