import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, startCli } from '../support/cli.js';
import { REPO_ROOT, useTempDir } from '../support/temp-dir.js';

const tmp = useTempDir();
const SECRET = 'cli-secret-cli-secret-cli-secret-cli-0';

function expectNoStack(text: string): void {
  expect(text).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
}

function writeConfig(extra = ''): string {
  tmp.write(
    'digest.config.yaml',
    [
      'title: Audience Test',
      'feeds:',
      `  - { url: ${JSON.stringify(path.join(REPO_ROOT, 'feeds/world-news.rss.xml'))}, section: World }`,
      `  - { url: ${JSON.stringify(path.join(REPO_ROOT, 'feeds/science-notes.atom.xml'))}, section: Science }`,
      'recipients:',
      '  - { email: listed@example.com, name: Listed }',
      extra,
    ].join('\n'),
  );
  return tmp.dir();
}

describe('digest readers', () => {
  it('adds, lists, removes; imports a CSV, refusing the suppressed; exports what import reads back', async () => {
    const cwd = writeConfig();
    const added = await runCli(['readers', 'add', 'ada@example.com', '--name', 'Ada', '--sections', 'world'], { cwd });
    expect(added.code).toBe(0);
    expect(added.stdout).toBe('Added ada@example.com.\n');
    const badSection = await runCli(['readers', 'add', 'bob@example.com', '--sections', 'Sport'], { cwd });
    expect(badSection.code).toBe(1);
    expect(badSection.stderr).toContain('--sections: there is no section "Sport"');
    expect(badSection.stderr).toContain('The sections are: World, Science.');
    expectNoStack(badSection.stderr);

    const removed = await runCli(['readers', 'remove', 'listed@example.com'], { cwd });
    expect(removed.stdout).toContain('listed@example.com gets no more digests (unsubscribed).');
    expect(removed.stdout).toContain('It is still listed in digest.config.yaml');

    tmp.write(
      'people.csv',
      ['email,name,sections,city', 'cy@example.com,Cy,Science,Leeds', 'not-an-address,X,,', 'listed@example.com,Listed,,', '"dee@example.com","=HYPERLINK(""http://evil"")",,', 'ada@example.com,Ada L.,World;Science,York'].join('\n'),
    );
    const imported = await runCli(['readers', 'import', 'people.csv'], { cwd });
    expect(imported.code).toBe(2);
    expect(imported.stdout).toContain('people.csv: 2 readers added, 1 updated.');
    expect(imported.stdout).toContain('1 row left alone: listed in the config.');
    expect(imported.stderr).toContain('warning: people.csv:3: "not-an-address" is not an email address; skipped');

    const list = JSON.parse((await runCli(['readers', 'list', '--json'], { cwd })).stdout) as { email: string; state: string; sections: string[] | null; fields: Record<string, string>; name: string | null }[];
    expect(list.map((r) => [r.email, r.state, r.sections])).toEqual([
      ['listed@example.com', 'unsubscribed', null],
      ['ada@example.com', 'active', null],
      ['cy@example.com', 'active', ['Science']],
      ['dee@example.com', 'active', null],
    ]);
    expect(list.find((r) => r.email === 'cy@example.com')!.fields).toEqual({ city: 'Leeds' });
    const text = await runCli(['readers'], { cwd });
    expect(text.stdout).toMatch(/^listed@example\.com\s+config\s+unsubscribed; since \d{4}-\d\d-\d\d \(cli\)$/m);
    expect(text.stdout).toContain('3 readers get the next digest; 1 do not.');

    const exported = await runCli(['readers', 'export', '--out', 'backup.csv'], { cwd });
    expect(exported.code).toBe(0);
    const csv = readFileSync(path.join(cwd, 'backup.csv'), 'utf8');
    expect(csv.split('\n')[0]).toBe('email,name,source,state,sections,paused_until,suppressed_reason,suppressed_source,suppressed_at,city');
    // A name a spreadsheet would run as a formula is written so that it does not.
    expect(csv).toContain(`dee@example.com,"'=HYPERLINK(""http://evil"")"`);

    // Into a fresh state: the same readers, the same suppression, the same name.
    const other = tmp.write('other/digest.config.yaml', readFileSync(path.join(cwd, 'digest.config.yaml'), 'utf8').replace('recipients:\n  - { email: listed@example.com, name: Listed }', 'recipients: []'));
    const otherDir = path.dirname(other);
    const back = await runCli(['readers', 'import', path.join(cwd, 'backup.csv')], { cwd: otherDir });
    expect(back.code).toBe(0);
    const again = JSON.parse((await runCli(['readers', 'list', '--all', '--json'], { cwd: otherDir })).stdout) as typeof list;
    expect(again.map((r) => [r.email, r.state])).toEqual([
      ['ada@example.com', 'active'],
      ['cy@example.com', 'active'],
      ['dee@example.com', 'active'],
      ['listed@example.com', 'unsubscribed'],
    ]);
    expect(again.find((r) => r.email === 'dee@example.com')!.name).toBe('=HYPERLINK("http://evil")');

    // An import never brings back someone who left.
    tmp.write('comeback.csv', 'email\nlisted2@example.com\n');
    await runCli(['readers', 'remove', 'listed2@example.com', '--block'], { cwd });
    const comeback = await runCli(['readers', 'import', 'comeback.csv'], { cwd });
    expect(comeback.stdout).toContain('1 address not added because they unsubscribed, bounced or complained before: listed2@example.com');
    const warned = await runCli(['readers', 'add', 'listed2@example.com'], { cwd });
    expect(warned.stderr).toContain('warning: listed2@example.com is suppressed (manual');
    const lifted = await runCli(['readers', 'add', 'listed2@example.com', '--unsuppress'], { cwd });
    expect(lifted.stdout).toContain('Lifted the suppression (manual');
    // Fifteen commands, each a process of its own.
  }, 600_000);
});

describe('digest web and digest archive', () => {
  it('web prints its address, answers, and stops on SIGTERM; without DIGEST_SECRET it refuses to start, saying why', async () => {
    const cwd = writeConfig('web:\n  baseUrl: https://digest.example.org');
    const refused = await runCli(['web', '--port', '0'], { cwd });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('digest web needs DIGEST_SECRET');
    expectNoStack(refused.stderr);

    const server = startCli(['web', '--port', '0'], { cwd, env: { DIGEST_SECRET: SECRET } });
    const [, url] = await server.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+\/) for https:\/\/digest\.example\.org/);
    expect(await (await fetch(`${url}healthz`)).text()).toBe('ok\n');
    expect((await fetch(`${url}archive/`)).status).toBe(200);
    expect(await server.stop()).toBe(0);
    expect(server.stdout()).toMatch(/stopped\n$/);
  });

  it('archive --out writes the index, one page per sent digest and the feed, with no reader in them', async () => {
    const cwd = writeConfig('web:\n  baseUrl: https://digest.example.org');
    const run = await runCli(['run'], { cwd, env: { DIGEST_SECRET: SECRET } });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Readers: 1\.$/m);
    const result = await runCli(['archive', '--out', 'site'], { cwd });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`Wrote 1 issue to ${path.join('site', 'archive')}/ (index.html, feed.xml and one folder per issue).\n`);
    expect(readdirSync(path.join(cwd, 'site/archive')).sort()).toEqual(['1', 'feed.xml', 'index.html']);
    const page = readFileSync(path.join(cwd, 'site/archive/1/index.html'), 'utf8');
    expect(page).not.toContain('listed@example.com');
    expect(page).not.toContain('?t=');
    expect(readFileSync(path.join(cwd, 'site/archive/feed.xml'), 'utf8')).toContain('<link>https://digest.example.org/archive/1/</link>');

    const noBase = writeConfig();
    const refused = await runCli(['archive', '--out', 'x'], { cwd: noBase });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('the archive needs the public address');
    expect(existsSync(path.join(noBase, 'x'))).toBe(false);
  });
});
