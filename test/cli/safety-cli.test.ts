/**
 * Issue 10, "A cron job that can never silently do the wrong thing": the CLI cases, each run as
 * a user (or cron) runs it, against a real SMTP server and real files.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { runCli } from '../support/cli.js';
import { fullDiskSupport, runOnFullDisk } from '../support/full-disk.js';
import { startHttpServer } from '../support/http.js';
import { writeSampleProject } from '../support/sample-project.js';
import { closedPort, startSilentServer, startSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { StateStore } from '../../src/state/state-store.js';
import { REPO_ROOT, useTempDir } from '../support/temp-dir.js';

const tmp = useTempDir();
let servers: TestSmtpServer[] = [];
let closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all([...servers.map((s) => s.close()), ...closers.map((close) => close())]);
  servers = [];
  closers = [];
});

async function smtp(behaviour: Parameters<typeof startSmtpServer>[0] = {}) {
  const server = await startSmtpServer(behaviour);
  servers.push(server);
  return server;
}

function expectNoStack(text: string): void {
  expect(text).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect(text).not.toMatch(/looks like a bug/);
}

describe('no config file: nothing runs but init, extract and --help', { timeout: 180_000 }, () => {
  it('digest run in an empty folder with SMTP_URL set refuses, naming the folder and digest init, and mails nobody', async () => {
    const server = await smtp();
    const cwd = tmp.dir();
    const result = await runCli(['run'], { cwd, env: { SMTP_URL: server.url } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`error: no digest.config.yaml in ${cwd}: nothing to do`);
    expect(result.stderr).toMatch(/digest init/);
    expectNoStack(result.stderr);
    expect(result.stdout).toBe('');
    expect(server.messages).toHaveLength(0);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('every other command refuses the same way, and --json says so in JSON', async () => {
    const cwd = tmp.dir();
    for (const args of [['preview'], ['send', '--to', 'me@example.com'], ['check'], ['serve', '--port', '0'], ['feeds'], ['feeds', 'add', 'https://example.com/feed'], ['runs'], ['runs', 'retry', '1'], ['schedule'],
      ['feeds', 'import', 'subs.opml'], ['feeds', 'remove', 'x'], ['feeds', 'export'], ['reset', 'x', '--yes'],
      ['readers'], ['readers', 'add', 'ada@readers.news'], ['readers', 'import', 'r.csv'], ['web', '--port', '0'], ['archive', '--out', 'site'], ['bounces']]) {
      const result = await runCli(args, { cwd });
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr, args.join(' ')).toContain(`no digest.config.yaml in ${cwd}`);
      expectNoStack(result.stderr);
    }
    const json = await runCli(['run', '--json'], { cwd });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'CONFIG_MISSING', context: { folder: cwd } }, exitCode: 1 });
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('extract and --help still work without a config', async () => {
    const cwd = tmp.dir();
    const article = tmp.write('a.txt', 'Title line\n\nA paragraph that says something worth reading about the day.\n');
    expect((await runCli(['extract', article], { cwd })).code).toBe(0);
    expect((await runCli(['--help'], { cwd })).code).toBe(0);
    expect((await runCli(['run', '--help'], { cwd })).code).toBe(0);
  });

  it('digest init writes a commented starter config that loads, deciding the transport and saying so', async () => {
    const cwd = tmp.dir();
    const init = await runCli(['init'], { cwd });
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/^Wrote digest.config.yaml/m);
    expect(init.stdout).toMatch(/SMTP_URL is not set: .*delivery\.transport: outbox/);
    const text = readFileSync(path.join(cwd, 'digest.config.yaml'), 'utf8');
    expect(text).toMatch(/^# /m);
    expect(text).toMatch(/^ {2}transport: outbox/m);
    // The starter has no feeds yet: check says what to do, and nothing else is wrong.
    const check = await runCli(['check'], { cwd });
    expect(check.stdout).toMatch(/✗ feeds: no feeds configured/);
    expect(check.stdout.split('\n').filter((line) => line.startsWith('✗'))).toHaveLength(1);

    // A second init does not overwrite the file.
    const again = await runCli(['init'], { cwd });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/digest.config.yaml already exists/);

    // With SMTP_URL set, the starter sends over SMTP.
    const other = path.join(cwd, 'other');
    const smtpInit = await runCli(['init', '--config', 'other/digest.config.yaml'], { cwd, env: { SMTP_URL: 'smtp://mail.example.com:587' } });
    expect(smtpInit.code).toBe(0);
    expect(smtpInit.stdout).toMatch(/SMTP_URL is set: .*delivery\.transport: smtp/);
    expect(readFileSync(path.join(other, 'digest.config.yaml'), 'utf8')).toMatch(/^ {2}transport: smtp/m);
  });

  it('the sample project (as npm start runs it) works, and so does DIGEST_CONFIG from another folder', async () => {
    const project = writeSampleProject(tmp.dir());
    const result = await runCli(['run'], { cwd: project });
    expect(result.code).toBe(0);
    expect(readdirSync(path.join(project, 'out/outbox'))).toHaveLength(2);

    const elsewhere = path.join(project, 'feeds');
    const viaEnv = await runCli(['runs', '--json'], { cwd: elsewhere, env: { DIGEST_CONFIG: path.join(project, 'digest.config.yaml') } });
    expect(viaEnv.code).toBe(0);
    expect(JSON.parse(viaEnv.stdout)).toHaveLength(1);
    expect(existsSync(path.join(elsewhere, '.digest'))).toBe(false);
  });
});

describe('the transport is decided, recorded and shown; the outbox is never "sent"', { timeout: 180_000 }, () => {
  function project(recipients: string[], extra = ''): string {
    const dir = writeSampleProject(tmp.dir());
    const config = readFileSync(path.join(dir, 'digest.config.yaml'), 'utf8').replace(/^recipients:\n( +.*\n)+/m, `recipients: [${recipients.join(', ')}]\n`);
    writeFileSync(path.join(dir, 'digest.config.yaml'), config + extra);
    return dir;
  }

  it('a run an SMTP outage left pending is not finished into the outbox when SMTP_URL is lost; digest runs shows its transport', async () => {
    const cwd = project(['ada@readers.news', 'bob@readers.news']);
    const outage = await runCli(['run'], { cwd, env: { SMTP_URL: `smtp://127.0.0.1:${await closedPort()}` } });
    expect(outage.code).toBe(2);
    expect(outage.stderr).toMatch(/warning: delivery\.transport is auto, and this first run decided: SMTP_URL is set, so this project sends over SMTP from now on/);

    const lost = await runCli(['run'], { cwd, env: { SMTP_URL: '' } });
    expect(lost.code).toBe(1);
    expect(lost.stderr).toContain('error: run 1 is unfinished (2 recipients still to send to) and was created to be sent over SMTP, but SMTP_URL is not set: it is only ever finished over SMTP; nothing was fetched or sent');
    expect(lost.stderr).toMatch(/→ Set SMTP_URL .* and run again/);
    expectNoStack(lost.stderr);
    expect(existsSync(path.join(cwd, 'out/outbox'))).toBe(false);

    const runs = await runCli(['runs'], { cwd });
    expect(runs.stdout).toMatch(/^ +run {2}slot +via +status +items +sent +written +deferred +failed {2}subject$/m);
    expect(runs.stdout).toMatch(/^ +1 {2}\d{4}-\d\d-\d\d 07:00 UTC {2}smtp {4}sending +\d+ +0 +0 +2 +0 {2}Morning Digest: /m);
    expect(runs.stdout).toMatch(/Run 1 is unfinished: the next `digest run` finishes it\./);
    const json = JSON.parse((await runCli(['runs', '--json'], { cwd })).stdout) as { transport: string }[];
    expect(json[0]).toMatchObject({ transport: 'smtp', sent: 0, written: 0, deferred: 2 });

    const server = await smtp();
    const back = await runCli(['run'], { cwd, env: { SMTP_URL: server.url } });
    expect(back.code).toBe(0);
    expect(back.stdout).toMatch(/Sent 2 of 2 via SMTP 127\.0\.0\.1:\d+ \(0 deferred, 0 failed\)\./);
    expect(server.messages).toHaveLength(2);
  });

  it('outbox deliveries are "written" in the summary and --json, never "sent"', async () => {
    const cwd = writeSampleProject(tmp.dir());
    const text = await runCli(['run'], { cwd });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Wrote 2 of 2 to the outbox .*out\/outbox \(0 deferred, 0 failed\): nobody was emailed \(delivery\.transport: outbox\)\.$/m);
    expect(text.stdout).not.toMatch(/\bSent\b/);

    const other = writeSampleProject(tmp.write('second/.keep', '') && path.join(tmp.dir(), 'second'));
    const json = await runCli(['run', '--json'], { cwd: other });
    const summary = JSON.parse(json.stdout) as { counts: Record<string, unknown>; delivery: Record<string, unknown> };
    expect(summary.counts).toEqual({ transport: 'outbox', sent: 0, written: 2, deferred: 0, failed: 0, total: 2 });
    expect(summary.delivery).toMatchObject({ kind: 'outbox', sent: 0, written: 2 });
  });
});

describe('feeds add and feeds import only take http(s) feeds on public addresses', { timeout: 180_000 }, () => {
  const RSS = '<?xml version="1.0"?><rss version="2.0"><channel><title>Secret</title><link>https://x.example/</link><item><title>Private notes</title><description>Only for this machine.</description></item></channel></rss>';
  function page(links: string[]): string {
    return `<html><head><title>Site</title>${links.map((href) => `<link rel="alternate" type="application/rss+xml" href="${href}">`).join('')}</head><body></body></html>`;
  }

  it('never follows a file:// feed link a page names', async () => {
    const secret = tmp.write('secret/feed.xml', RSS);
    const http = await startHttpServer({ '/': (_req, res) => res.end(page([`file://${secret}`])) });
    closers.push(() => http.close());
    const config = tmp.write('digest.config.yaml', 'feeds: []\n');
    const result = await runCli(['feeds', 'add', `${http.origin}/`], { cwd: tmp.dir() });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/is a web page \(HTML\), not a feed, and it does not link to any feed/);
    expectNoStack(result.stderr);
    expect(readFileSync(config, 'utf8')).toBe('feeds: []\n');
  });

  it('refuses a feed link to a private, loopback or metadata address on another host, adding nothing', async () => {
    const http = await startHttpServer({ '/': (_req, res) => res.end(page(['http://169.254.169.254/latest/meta-data/', 'http://127.0.0.2:9/feed.xml'])) });
    closers.push(() => http.close());
    const config = tmp.write('digest.config.yaml', 'feeds: []\n');
    const result = await runCli(['feeds', 'add', `${http.origin}/`], { cwd: tmp.dir() });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`error: ${http.origin}/ is a web page; the feeds it points to are not on public addresses, so none was added:`);
    expect(result.stderr).toMatch(/http:\/\/169\.254\.169\.254\/latest\/meta-data\/: .*private, loopback or reserved address/);
    expect(result.stderr).toMatch(/http:\/\/127\.0\.0\.2:9\/feed\.xml: .*private, loopback or reserved address/);
    expect(result.stderr).toMatch(/fetch\.allowPrivateArticles/);
    expectNoStack(result.stderr);
    expect(readFileSync(config, 'utf8')).toBe('feeds: []\n');
  });

  it('feeds import checks every URL and names the ones it skipped', async () => {
    const config = tmp.write('digest.config.yaml', 'feeds: []\n');
    const opml = tmp.write(
      'subs.opml',
      `<opml version="1.0"><body>
        <outline text="Good" xmlUrl="https://good.example/feed"/>
        <outline text="File" xmlUrl="file:///etc/passwd"/>
        <outline text="Script" xmlUrl="javascript:alert(1)"/>
        <outline text="Metadata" xmlUrl="http://169.254.169.254/latest/meta-data/"/>
        <outline text="Local" xmlUrl="http://localhost:8080/feed"/>
        <outline text="Relative" xmlUrl="feeds/x.xml"/>
      </body></opml>`,
    );
    const result = await runCli(['feeds', 'import', opml], { cwd: tmp.dir() });
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/^Updated digest.config.yaml: added 1 feed\. Skipped 5:$/m);
    expect(result.stdout).toContain('  ✗ File: file:///etc/passwd: not an http(s) URL');
    expect(result.stdout).toContain('  ✗ Script: javascript:alert(1): not an http(s) URL');
    expect(result.stdout).toContain('  ✗ Metadata: http://169.254.169.254/latest/meta-data/: a private, loopback or reserved address');
    expect(result.stdout).toContain('  ✗ Local: http://localhost:8080/feed: a private, loopback or reserved address');
    expect(result.stdout).toContain('  ✗ Relative: feeds/x.xml: not an http(s) URL');
    const written = readFileSync(config, 'utf8');
    expect(written).toContain('https://good.example/feed');
    expect(written).not.toMatch(/passwd|javascript|169\.254|localhost|x\.xml/);
  });

  it('an OPML feed list named in the config is checked the same way', async () => {
    tmp.write('subs.opml', '<opml version="1.0"><body><outline text="Good" xmlUrl="https://good.example/feed"/><outline text="File" xmlUrl="file:///etc/passwd"/></body></opml>');
    tmp.write('digest.config.yaml', 'feeds:\n  - subs.opml\n');
    const result = await runCli(['feeds', '--json'], { cwd: tmp.dir() });
    expect((JSON.parse(result.stdout) as { url: string }[]).map((f) => f.url)).toEqual(['https://good.example/feed']);
    const check = await runCli(['check'], { cwd: tmp.dir() });
    expect(check.stdout).toMatch(/subs\.opml: "File" \(file:\/\/\/etc\/passwd\) skipped: not an http\(s\) URL/);
  });
});

describe('rough edges in failure', { timeout: 180_000 }, () => {
  it('a mail server that accepts the connection but never greets costs connectionTimeoutSeconds once, not once per attempt', async () => {
    const silent = await startSilentServer();
    closers.push(() => silent.close());
    const cwd = writeSampleProject(tmp.dir());
    writeFileSync(path.join(cwd, 'digest.config.yaml'), `${readFileSync(path.join(cwd, 'digest.config.yaml'), 'utf8')}\ndelivery:\n  connectionTimeoutSeconds: 1\n`);
    const result = await runCli(['run'], { cwd, env: { SMTP_URL: silent.url } });
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/Sent 0 of 2 via SMTP .* \(2 deferred, 0 failed\)\./);
    expect(result.stdout).toMatch(/→ The server did not answer in time/);
    // delivery.attempts (3) is for messages the server refused for now, not for a server that is not there:
    // one connection per pooled connection (maxConnections: 2), each given up on after 1 s.
    expect(silent.connections()).toBeLessThanOrEqual(2);
    expectNoStack(result.stdout + result.stderr);
  });
});

describe('the environment\'s faults are named, with what to do, never as a bug', { timeout: 180_000 }, () => {
  it('a state path pointing at another program\'s SQLite file: refused, and the file left as it was', async () => {
    const cwd = writeSampleProject(tmp.dir());
    const other = path.join(cwd, 'places.sqlite');
    const db = new Database(other);
    db.exec("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT); CREATE TABLE feeds (id INTEGER, name TEXT); INSERT INTO moz_places (url) VALUES ('https://example.org/')");
    db.close();
    const before = readFileSync(other);
    writeFileSync(path.join(cwd, 'digest.config.yaml'), readFileSync(path.join(cwd, 'digest.config.yaml'), 'utf8').replace('state: .digest/state.sqlite', 'state: places.sqlite'));
    for (const args of [['run'], ['runs'], ['feeds']]) {
      const result = await runCli(args, { cwd });
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr, args.join(' ')).toContain(`error: the state file ${other} belongs to another program: it holds tables this tool did not make (feeds, moz_places); it was not changed`);
      expect(result.stderr).toMatch(/→ Point `state:` in the config at a file of its own/);
      expectNoStack(result.stderr);
    }
    expect(readFileSync(other).equals(before)).toBe(true);
    expect(readdirSync(cwd).filter((name) => name.startsWith('places.sqlite'))).toEqual(['places.sqlite']);

    writeFileSync(other, 'just some text, not a database at all\n'.repeat(100));
    const text = await runCli(['run'], { cwd });
    expect(text.code).toBe(1);
    expect(text.stderr).toContain(`error: the state file ${other} is not a SQLite database (another program's file, or a damaged one); it was not changed`);
    expectNoStack(text.stderr);
  });

  it('a YAML alias bomb in the config is refused with its file and line, without a stack trace', async () => {
    const lines = ['title: Bomb', 'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
    for (let i = 1; i < 9; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(', ')}]`);
    tmp.write('digest.config.yaml', `${lines.join('\n')}\n`);
    const result = await runCli(['check'], { cwd: tmp.dir() });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: digest\.config\.yaml:3:\d+: the aliases \(\*name\) in this file expand to too much data; it was not read\n/);
    expectNoStack(result.stderr);
  });

  const fullDisk = fullDiskSupport();
  it('a full outbox disk stops sending with everyone pending, says so, and leaves no temporary files', async () => {
    if (fullDisk && process.env.CI) throw new Error(fullDisk);
    if (fullDisk) return console.warn(`skipped: ${fullDisk}`);
    const cwd = writeSampleProject(tmp.dir());
    const outbox = path.join(cwd, 'out/outbox');
    const result = await runOnFullDisk([outbox], `digest run; echo "exit=$?"; echo "outbox: $(ls -A '${outbox}' | tr '\\n' ' ')"`, { cwd });
    expect(result.stdout).toMatch(/^exit=2$/m);
    expect(result.stdout).toMatch(/Wrote 0 of 2 to the outbox .* \(2 deferred, 0 failed\)/);
    expect(result.stdout).toMatch(/Sending stopped: .*no space left on device/i);
    expect(result.stdout).toMatch(/→ The disk is full: free some space there \(df -h\), then run `digest run` again/);
    expect(result.stdout).toMatch(/^outbox: \.filler $/m);
    expectNoStack(result.stdout + result.stderr);
  });

  it('a full state disk and a full out folder are named, with what to do; the run is finished once there is room', async () => {
    if (fullDisk && process.env.CI) throw new Error(fullDisk);
    if (fullDisk) return console.warn(`skipped: ${fullDisk}`);
    const cwd = writeSampleProject(tmp.dir());
    const state = await runOnFullDisk([path.join(cwd, '.digest')], `digest run; echo "exit=$?"`, { cwd });
    expect(state.stdout).toMatch(/^exit=1$/m);
    expect(state.stderr).toMatch(/^error: .*\.digest.*: the disk is full/m);
    expect(state.stderr).toMatch(/→ .*free some space/i);
    expectNoStack(state.stderr);

    const out = path.join(cwd, 'out');
    const preview = await runOnFullDisk(
      [out],
      `digest run; echo "exit=$?"; echo "out: $(ls -A '${out}' | tr '\\n' ' ')"; rm '${out}/.filler'; digest run; echo "exit=$?"`,
      { cwd },
    );
    expect(preview.stdout).toMatch(/^exit=1$/m);
    expect(preview.stderr).toMatch(/^error: cannot write .*digest\.html: the disk is full/m);
    expect(preview.stdout).toMatch(/^out: \.filler $/m);
    // With room again, the next run finishes the recorded run: both readers, once.
    expect(preview.stdout).toMatch(/Finished run 1 that an earlier process left unfinished/);
    expect(preview.stdout).toMatch(/Wrote 2 of 2 to the outbox/);
    expect(preview.stdout).toMatch(/^exit=0$/m);
    expectNoStack(preview.stdout + preview.stderr);
  });
});

describe('what the CLI prints', { timeout: 180_000 }, () => {
  it('digest runs | head -1 ends quietly, without an EPIPE crash', async () => {
    const cwd = writeSampleProject(tmp.dir());
    const store = StateStore.open(path.join(cwd, '.digest/state.sqlite'));
    store.transaction(() => {
      for (let i = 0; i < 3000; i++) {
        store.createRun({ kind: 'run', slot: null, startedAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(), digestHash: 'h', subject: `Digest number ${i} with a subject long enough to fill the pipe`, preheader: '', html: '', text: '', marker: 'm', itemIds: [], recipients: [] });
      }
    });
    store.close();
    const digest = `'${process.execPath}' '${path.join(REPO_ROOT, 'bin/digest.js')}'`;
    const result = await runShell(`${digest} runs --limit 3000 | head -1; echo "digest exit=\${PIPESTATUS[0]}"`, cwd);
    expect(result.stdout).toMatch(/^ +run {2}slot +via +status/);
    expect(result.stdout).toMatch(/^digest exit=0$/m);
    expect(result.stderr).toBe('');
  });

  it('digest feeds prints URLs as they are (http://host, not http:/host), and file paths relative to here', async () => {
    tmp.write('digest.config.yaml', 'feeds:\n  - url: https://news.example/feed.xml\n    name: News\n  - url: feeds/local.xml\n');
    const result = await runCli(['feeds'], { cwd: tmp.dir() });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('\n  https://news.example/feed.xml\n');
    expect(result.stdout).toContain(`\n  feeds${path.sep}local.xml\n`);
  });

  it('an unknown feeds or runs subcommand is named, with the commands there are', async () => {
    tmp.write('digest.config.yaml', 'feeds: []\n');
    const feeds = await runCli(['feeds', 'purge', 'https://news.example/feed.xml'], { cwd: tmp.dir() });
    expect(feeds.code).toBe(1);
    expect(feeds.stderr).toMatch(/^error: "purge" is not a feeds command; the feeds commands are: list, add, import, remove, pause, unpause, rename, export/m);
    expect(feeds.stderr).not.toMatch(/too many arguments/);
    const runs = await runCli(['runs', 'show', '3'], { cwd: tmp.dir() });
    expect(runs.code).toBe(1);
    expect(runs.stderr).toMatch(/^error: "show" is not a runs command; the runs commands are: list, retry/m);
  });

  it('--quiet prints nothing when all went well and only what failed otherwise; --verbose says more', async () => {
    const cwd = writeSampleProject(tmp.dir());
    writeFileSync(path.join(cwd, 'digest.config.yaml'), `${readFileSync(path.join(cwd, 'digest.config.yaml'), 'utf8')}\ndelivery:\n  transport: outbox\n`);
    const quiet = await runCli(['run', '--quiet'], { cwd });
    expect(quiet).toMatchObject({ code: 0, stdout: '', stderr: '' });

    const http = await startHttpServer();
    closers.push(() => http.close());
    writeFileSync(path.join(cwd, 'digest.config.yaml'), `${readFileSync(path.join(cwd, 'digest.config.yaml'), 'utf8').replace('feeds:\n', `feeds:\n  - url: ${http.origin}/gone.xml\n    name: Gone Feed\n`)}`);
    const failing = await runCli(['run', '-q'], { cwd });
    expect(failing.code).toBe(2);
    expect(failing.stdout).toBe(`  ✗ Gone Feed: Fetching ${http.origin}/gone.xml failed: HTTP 404 Not Found\n`);
    expect(failing.stderr).toBe('');

    const verbose = await runCli(['run', '--verbose', '--dry-run'], { cwd });
    expect(verbose.stdout).toMatch(/^ {2}✓ World Desk: 4 items, 0 new, 0 chosen$/m);
    expect(verbose.stdout).toMatch(/^ {2}✗ Gone Feed: /m);
  });

  it('control characters in anything printed are shown escaped, never sent to the terminal', async () => {
    const cwd = tmp.dir();
    tmp.write('evil.json', JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'Evil\u001b]0;pwned\u0007 News', items: [{ id: '1', url: 'https://news.example/1', title: 'Clear \u001b[2J screen \u202egnp.exe', content_text: 'Text.' }] }));
    tmp.write('digest.config.yaml', 'recipients: [reader@example.com]\ndelivery:\n  transport: outbox\nfeeds:\n  - url: evil.json\n    fullText: never\n');
    const explain = await runCli(['run', '--dry-run', '--explain'], { cwd });
    expect(explain.stdout).toMatch(/Clear \[2J screen gnp\.exe/);
    expect(explain.stdout + explain.stderr).not.toMatch(UNSAFE);

    // A feed title an older version stored with its escape sequences, shown by digest feeds.
    const store = StateStore.open(path.join(cwd, '.digest/state.sqlite'));
    store.recordFeedOutcome({ url: 'evil.json', ok: true, status: 'ok', title: 'Old \u001b]8;;https://evil.example/\u0007title\u0085' }, '2026-11-27T07:00:00Z');
    store.close();
    writeFileSync(path.join(cwd, 'digest.config.yaml'), 'feeds:\n  - url: evil.json\n');
    const feeds = await runCli(['feeds'], { cwd });
    expect(feeds.stdout).toContain('Old \\x1b]8;;https://evil.example/\\x07title\\x85');
    expect(feeds.stdout).not.toMatch(UNSAFE);
    const json = await runCli(['feeds', '--json'], { cwd });
    expect(json.stdout).not.toMatch(UNSAFE);
    expect((JSON.parse(json.stdout) as { name: string }[])[0]!.name).toBe('Old \u001b]8;;https://evil.example/\u0007title\u0085');
  });
});

/** C0 controls other than tab and line feed, DEL, C1 controls, and bidi embeddings, overrides and isolates. */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function runShell(script: string, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], { cwd, env: { ...process.env, NO_COLOR: '1', SMTP_URL: '', DIGEST_CONFIG: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
