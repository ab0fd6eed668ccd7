import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, runCliProcess, startCli } from '../support/cli.js';
import { startHttpServer, type TestHttpServer } from '../support/http.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { writeSampleProject } from '../support/sample-project.js';
import { CORPORA, REPO_ROOT, useTempDir } from '../support/temp-dir.js';

const tmp = useTempDir();
let servers: (TestHttpServer | TestSmtpServer)[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

/** No stack trace may reach a user who made a typo. */
function expectNoStack(text: string): void {
  expect(text).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
}

/** The repository's sample project (digest.config.yaml and feeds/) in a fresh folder. */
const sample = () => writeSampleProject(tmp.dir());

describe('digest run on the sample project', () => {
  it('writes the preview and one .eml per reader, records state, and says so; a rerun finds nothing new', async () => {
    const cwd = sample();
    const first = await runCli(['run'], { cwd });
    // Without a terminal, progress is plain lines on stderr; beside them only the note, on this
    // first run, that delivery.transport: auto was decided (the sample's readers are examples).
    expect(first.stderr).toMatch(
      /^feeds fetched 1\/3\nfeeds fetched 2\/3\nfeeds fetched 3\/3\nmessages sent 1\/2\nmessages sent 2\/2\nwarning: delivery\.transport is auto, and this first run decided: SMTP_URL is not set and every reader is an example address, so this project writes \.eml files to the outbox from now on[^\n]*\n$/,
    );
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Morning Digest: 3 feeds read, 0 failed\./);
    expect(first.stdout).toMatch(/10 items chosen for "Morning Digest: /);
    expect(first.stdout).toMatch(/Wrote 2 of 2 to the outbox .* \(0 deferred, 0 failed\): nobody was emailed/);
    expect(first.stdout).toContain(`Preview: out${path.sep}digest.html, out${path.sep}digest.txt`);

    const html = readFileSync(path.join(cwd, 'out/digest.html'), 'utf8');
    const text = readFileSync(path.join(cwd, 'out/digest.txt'), 'utf8');
    expect(html).toContain('NO DEAL: Trump Says North Korea Wanted 1 Thing He Wasn’t Giving Up');
    expect(text).toContain('NO DEAL: Trump Says North Korea Wanted 1 Thing He Wasn’t Giving Up');
    for (const junk of ['Advertisement', 'Please enter your comment', 'Please enter your name here', 'Share on Facebook']) {
      expect(html).not.toContain(junk);
      expect(text).not.toContain(junk);
    }
    const outbox = readdirSync(path.join(cwd, 'out/outbox')).sort();
    expect(outbox).toEqual(['run-1-editor@example.com.eml', 'run-1-reader@example.com.eml']);
    expect(existsSync(path.join(cwd, '.digest/state.sqlite'))).toBe(true);

    const second = await runCli(['run'], { cwd });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/Nothing new since the last digest: no email sent\./);
    expect(readdirSync(path.join(cwd, 'out/outbox'))).toHaveLength(2);
  });

  it('gives a machine-readable summary with --json', async () => {
    const result = await runCli(['run', '--json'], { cwd: sample() });
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({ status: 'sent', runId: 1, items: 10, exitCode: 0, feeds: { total: 3, ok: 3, failed: [] } });
    expect(summary.delivery).toMatchObject({ kind: 'outbox', sent: 0, written: 2, pending: 0 });
    expect(summary.counts).toEqual({ transport: 'outbox', sent: 0, written: 2, deferred: 0, failed: 0, total: 2 });
    expect(summary.slot).toMatch(/^\d{4}-\d\d-\d\dT07:00:00.000Z$/);
  });
});

describe('--json gives the email’s stories and what was left out (issue 9, part 6)', () => {
  const STORY_KEYS = ['feed', 'section', 'url', 'headline', 'lede', 'quote', 'image', 'published', 'lead'];
  const LEFT_OUT_KEYS = ['feed', 'url', 'headline', 'reason', 'carried_over', 'listed'];
  function sampleConfig(cwd: string): string {
    // The sample feeds are dated November 2026: no age limit. World Desk leads, as in the sample config.
    const feeds = ['world-news.rss.xml', 'science-notes.atom.xml', 'city-culture.json'].map((file, i) => `  - url: ${path.join(REPO_ROOT, 'feeds', file)}\n    maxAgeDays: 0${i === 0 ? '\n    priority: 1' : ''}`);
    const file = path.join(cwd, 'digest.config.yaml');
    writeFileSync(file, ['recipients: [reader@example.com]', 'limits:', '  perFeed: 2', 'feeds:', ...feeds, ''].join('\n'));
    return file;
  }
  interface Json {
    stories: Record<string, unknown>[];
    left_out: Record<string, unknown>[];
  }

  it('preview --json: stories in email order, the lead first; left_out with the reason and what becomes of each', async () => {
    const cwd = tmp.dir();
    sampleConfig(cwd);
    const result = await runCli(['preview', '--json'], { cwd });
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as Json & { items: number };
    expect(json.stories).toHaveLength(json.items);
    expect(json.stories.length).toBe(6);
    for (const story of json.stories) expect(Object.keys(story)).toEqual(STORY_KEYS);
    expect(json.stories.map((s) => s.lead)).toEqual([true, false, false, false, false, false]);
    expect(json.stories[0]).toMatchObject({ feed: 'World Desk', section: 'World Desk', headline: expect.stringMatching(/^NO DEAL/), quote: { text: expect.any(String), speaker: expect.any(String) } });
    expect(json.stories.every((s) => s.published === null || !Number.isNaN(Date.parse(String(s.published))))).toBe(true);
    expect(json.left_out.length).toBeGreaterThan(0);
    for (const story of json.left_out) {
      expect(Object.keys(story)).toEqual(LEFT_OUT_KEYS);
      expect(story).toMatchObject({ reason: 'over-feed-limit', carried_over: false, listed: true });
    }
    const html = readFileSync(path.join(cwd, 'out/digest.html'), 'utf8');
    for (const story of json.left_out) expect(html).toContain(`More from ${String(story.feed).replace(/&/g, '&amp;')}`);
    expect(result.stderr).not.toMatch(/\{/);
  });

  it('run --json gives the same; the text summary says what was listed and what is carried over', async () => {
    const cwd = tmp.dir();
    sampleConfig(cwd);
    const json = JSON.parse((await runCli(['run', '--json'], { cwd })).stdout) as Json & { items: number; leftOut?: unknown };
    expect(json.stories.map((s) => s.headline)).toHaveLength(json.items);
    expect(json.left_out.every((s) => s.listed === true && s.carried_over === false)).toBe(true);
    expect(json.leftOut).toBeUndefined();

    const fresh = path.join(cwd, 'fresh');
    mkdirSync(fresh);
    sampleConfig(fresh);
    const text = await runCli(['run', '--dry-run'], { cwd: fresh });
    expect(text.stdout).toMatch(/\d+ more stor(y|ies) listed under "More from …" \(\d+ feeds?; \d+ over a feed’s limit\); not offered again\./);
  });
});

describe('digest preview, check, send and extract', () => {
  it('preview renders to --out without touching state', async () => {
    const cwd = sample();
    const result = await runCli(['preview', '--out', 'look'], { cwd });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`look${path.sep}digest.html`);
    expect(readFileSync(path.join(cwd, 'look/digest.html'), 'utf8')).toContain('Rotterdam port strike ends');
    expect(existsSync(path.join(cwd, '.digest'))).toBe(false);
  });

  it('check validates config, feeds and templates without fetching', async () => {
    const result = await runCli(['check'], { cwd: sample() });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/✓ templates default \(in use\): renders/);
    expect(result.stdout).toMatch(/All good\./);
  });

  it('check fails, naming the file and line, when a template is broken', async () => {
    tmp.write('theme/layout.mjml.hbs', readFileSync(path.join(REPO_ROOT, 'templates/default/layout.mjml.hbs'), 'utf8').replace('{{/each}}', ''));
    for (const file of ['subject.hbs', 'preheader.hbs', 'text.hbs']) tmp.write(`theme/${file}`, readFileSync(path.join(REPO_ROOT, 'templates/default', file), 'utf8'));
    tmp.write('digest.config.yaml', 'template: ./theme\n');
    const result = await runCli(['check'], { cwd: tmp.dir() });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✗ templates theme \(in use\): theme\/layout.mjml.hbs:\d+: \{\{\/if\}\} closes a block that was opened as \{\{#each\}\}/);
    expectNoStack(result.stdout + result.stderr);
  });

  it('send --to delivers one test message over SMTP when SMTP_URL is set', async () => {
    const smtp = await startSmtpServer();
    servers.push(smtp);
    const result = await runCli(['send', '--to', 'editor@example.com'], { cwd: sample(), env: { SMTP_URL: smtp.url } });
    expect(result.stderr).not.toMatch(/warning|error/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Sent ".+" \(10 items\) to editor@example.com via SMTP 127.0.0.1:/);
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]!.envelopeTo).toEqual(['editor@example.com']);
    expect(existsSync(path.join(tmp.dir(), '.digest'))).toBe(false);
  });

  it('run says in its summary what was left out to keep the email under the size budget', async () => {
    // The sample feeds are dated November 2026: no age limit, so the test does not depend on today.
    const feeds = ['world-news.rss.xml', 'science-notes.atom.xml', 'city-culture.json'].map((f) => `  - url: ${path.join(REPO_ROOT, 'feeds', f)}\n    maxAgeDays: 0`);
    tmp.write('digest.config.yaml', ['maxHtmlKilobytes: 25', 'webVersionUrl: https://example.com/web', 'recipients: [reader@example.com]', 'feeds:', ...feeds, ''].join('\n'));
    const result = await runCli(['run', '--json'], { cwd: tmp.dir() });
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { warnings: string[] };
    expect(summary.warnings.filter((w) => !w.startsWith('delivery.transport is auto'))).toEqual([expect.stringMatching(/^the email was \d+(\.\d)? KB, over the 25 KB size budget \(maxHtmlKilobytes\): ledes cut to 25 words, (\d+ images? left out, )?\d+ stories left out \(shown as "\d+ more"; they go in the next digest\); now \d+(\.\d)? KB$/)]);
    const html = readFileSync(path.join(tmp.dir(), 'out/digest.html'), 'utf8');
    expect(Buffer.byteLength(html)).toBeLessThan(25_500);
    expect(html).toMatch(/\d+ more stories did not fit in this email/);
  });

  it('send --to rejects something that is not an address', async () => {
    const result = await runCli(['send', '--to', 'editor'], { cwd: tmp.dir() });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--to: "editor" is not an email address/);
  });

  it.skipIf(!existsSync(CORPORA))('extract --json prints one object per input with the documented fields', async () => {
    const page = tmp.write('page.html', '<html><head><title>A page | Site</title></head><body><article><h1>A page</h1><p>First paragraph of the article, which is long enough to be a lede for the test.</p></article></body></html>');
    const result = await runCli(['extract', path.join(CORPORA, 'seed/no-deal.txt'), page, '--json'], { cwd: tmp.dir() });
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(Object.keys(lines[0]!).sort()).toEqual(['headline', 'image', 'input', 'lede', 'quote', 'text']);
    expect(lines[0]!.headline).toBe('NO DEAL: Trump Says North Korea Wanted 1 Thing He Wasn’t Giving Up');
    expect((lines[0]!.quote as { speaker: string }).speaker).toBe('Trump');
    expect(lines[0]!.text).not.toMatch(/Advertisement|Please enter/);
    expect(lines[1]!.input).toBe(page);
  });

  it('extract names an input it cannot read and carries on with the others', async () => {
    const good = tmp.write('a.txt', 'Title line\n\nA paragraph that says something worth reading about the day.\n');
    const result = await runCli(['extract', 'missing.html', good], { cwd: tmp.dir() });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/missing.html/);
    expect(result.stdout).toContain('Headline: Title line');
    expectNoStack(result.stderr);
  });

  it('runs as a user runs it: the built bin/digest.js in its own process, with the exit code and a clear error', async () => {
    const version = await runCliProcess(['--version'], { cwd: tmp.dir() });
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe((JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version);
    tmp.write('digest.config.yaml', 'feeds:\n  - url: "htp:/x"\n');
    const broken = await runCliProcess(['check'], { cwd: tmp.dir() });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('digest.config.yaml:2');
    expectNoStack(broken.stderr);
  });

  it('every command has --help', async () => {
    for (const command of ['run', 'preview', 'send', 'check', 'serve', 'extract', 'feeds list', 'feeds add', 'feeds import', 'bounces', 'worker']) {
      const result = await runCli([...command.split(' '), '--help'], { cwd: tmp.dir() });
      expect(result.code, command).toBe(0);
      expect(result.stdout, command).toMatch(/Usage: digest/);
      expect(result.stdout, command).toContain('--config');
    }
  });
});

describe('digest serve', () => {
  /** CPU time (user + system) the process has used, in ms, from /proc (Linux). */
  function cpuMs(pid: number): number {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks of 1/100 s
  }

  it('prints its 127.0.0.1 address, serves the preview, uses no CPU while idle, and stops on SIGTERM', async () => {
    const cwd = sample();
    const serve = startCli(['serve', '--port', '0'], { cwd });
    try {
      const [, url] = await serve.waitFor(/^Preview: (http:\/\/127\.0\.0\.1:\d+\/)$/m);
      await serve.waitFor(/^Watching /m);
      expect(serve.stdout()).toMatch(/^\d\d:\d\d:\d\d rendered in \d+ ms \(feeds fetched\) · start$/m);
      const state = (await (await fetch(`${url}api/state`)).json()) as { status: string; render: { subject: string } };
      expect(state.status).toBe('ok');
      expect(state.render.subject).toMatch(/^Morning Digest: /);
      expect(await (await fetch(url!)).text()).toContain('Digest preview');

      if (existsSync('/proc/self/stat')) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        const before = cpuMs(serve.child.pid!);
        await new Promise((resolve) => setTimeout(resolve, 3000));
        // An idle server waits on sockets and file events; 3 s of waiting costs (next to) nothing.
        expect(cpuMs(serve.child.pid!) - before).toBeLessThanOrEqual(30);
      }
    } finally {
      expect(await serve.stop()).toBe(0);
    }
    expect(serve.stderr()).toBe('');
  });

  it('says so when the port is taken', async () => {
    const http = await startHttpServer();
    servers.push(http);
    const port = new URL(http.origin).port;
    const result = await runCli(['serve', '--port', port], { cwd: sample() });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`error: port ${port} on 127.0.0.1 is already in use`);
    expectNoStack(result.stderr);
  });
});

describe('bad input gets one clear message and the right exit code', () => {
  it('an invalid config names file, line and key, without a stack trace', async () => {
    tmp.write('digest.config.yaml', 'feeds:\n  - url: a.xml\n  - url: b.xml\n  - url: "htp:/x"\n');
    const result = await runCli(['run'], { cwd: tmp.dir() });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: digest.config.yaml:4: feeds[2].url: expected a URL or a path, got "htp:/x"');
    expectNoStack(result.stderr);
  });

  it('a missing config file given with --config', async () => {
    const result = await runCli(['check', '--config', 'nope.yaml', '--json'], { cwd: tmp.dir() });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: 'CONFIG_NOT_FOUND' }, exitCode: 1 });
  });

  it('one dead feed is a warning: the digest still goes out, the summary names the failure, exit code 2', async () => {
    const http = await startHttpServer();
    servers.push(http);
    tmp.write(
      'digest.config.yaml',
      [
        'recipients: [reader@example.com]',
        'feeds:',
        `  - url: ${path.join(REPO_ROOT, 'feeds/world-news.rss.xml')}`,
        '    maxAgeDays: 0',
        `  - url: ${http.origin}/missing.xml`,
        '    name: Missing Feed',
        `  - url: ${path.join(REPO_ROOT, 'README.md')}`,
        '    name: Not A Feed',
        '',
      ].join('\n'),
    );
    const result = await runCli(['run'], { cwd: tmp.dir() });
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/3 feeds read, 2 failed/);
    expect(result.stdout).toMatch(/✗ Missing Feed: .*404/);
    expect(result.stdout).toMatch(/✗ Not A Feed: /);
    expect(result.stdout).toMatch(/Wrote 1 of 1 to the outbox/);
    expect(readFileSync(path.join(tmp.dir(), 'out/digest.html'), 'utf8')).toMatch(/could not be read: Missing Feed, Not A Feed/);
    expectNoStack(result.stdout + result.stderr);
  });

  it('an unreachable SMTP server leaves recipients pending and exits 2; the next run delivers them', async () => {
    const cwd = sample();
    const failed = await runCli(['run'], { cwd, env: { SMTP_URL: 'smtp://127.0.0.1:1' } });
    expect(failed.code).toBe(2);
    expect(failed.stdout).toMatch(/Sent 0 of 2 via SMTP 127.0.0.1:1 \(2 deferred, 0 failed\)\./);
    expect(failed.stdout).toMatch(/2 pending: the next `digest run` sends to them; nobody gets a second copy\./);
    expect(failed.stdout).toMatch(/Sending stopped: .*ECONNREFUSED/);
    expect(failed.stdout).toMatch(/→ Nothing accepts connections there: check the host and port in SMTP_URL/);
    expectNoStack(failed.stdout + failed.stderr);

    const smtp = await startSmtpServer();
    servers.push(smtp);
    const resumed = await runCli(['run'], { cwd, env: { SMTP_URL: smtp.url } });
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/Finished run 1 that an earlier process left unfinished/);
    expect(smtp.messages.map((m) => m.envelopeTo[0]).sort()).toEqual(['editor@example.com', 'reader@example.com']);
  });
});

describe('digest run --dry-run --explain', () => {
  it('says what the next run would send and why each item is in or out, changing nothing', async () => {
    const cwd = sample();
    const result = await runCli(['run', '--dry-run', '--explain'], { cwd });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Dry run: nothing is sent and the state is not changed\./m);
    expect(result.stdout).toMatch(/The next run would send ".+" \(10 items\) to 2 readers\./);
    expect(result.stdout).toMatch(/^World Desk: \d+ included\n  ✓ included +NO DEAL: Trump Says/m);
    expect(existsSync(path.join(cwd, '.digest'))).toBe(false);
    expect(existsSync(path.join(cwd, 'out'))).toBe(false);

    await runCli(['run'], { cwd });
    const after = await runCli(['run', '--dry-run', '--explain', '--json'], { cwd });
    const json = JSON.parse(after.stdout) as { items: number; decisions: { verdict: string }[] };
    expect(json.items).toBe(0);
    expect(new Set(json.decisions.map((d) => d.verdict))).toEqual(new Set(['seen']));
  });
});

describe('digest feeds', () => {
  it('feeds add finds a site’s feed from its home page and adds it to the config', async () => {
    const http = await startHttpServer();
    servers.push(http);
    http.routes.set('/', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><head><title>Site</title><link rel="alternate" type="application/atom+xml" href="/atom.xml" title="Posts"></head><body></body></html>');
    });
    http.routes.set('/atom.xml', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/atom+xml' });
      res.end(readFileSync(path.join(REPO_ROOT, 'feeds/science-notes.atom.xml')));
    });
    tmp.write('digest.config.yaml', 'title: Mine\nfeeds: []\n');
    const result = await runCli(['feeds', 'add', `${http.origin}/`, '--section', 'Science'], { cwd: tmp.dir() });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${http.origin}/ is a web page; it points to the feed ${http.origin}/atom.xml.`);
    expect(result.stdout).toContain('Added "Science Notes" (3 items now) to digest.config.yaml.');
    expect(readFileSync(path.join(tmp.dir(), 'digest.config.yaml'), 'utf8')).toContain(`- url: ${http.origin}/atom.xml\n    name: Science Notes\n    section: Science`);
  });

  it('feeds add says clearly when a page has no feed', async () => {
    const http = await startHttpServer({ '/': (_req, res) => res.end('<html><body>no feeds here</body></html>') });
    servers.push(http);
    tmp.write('digest.config.yaml', 'feeds: []\n');
    const result = await runCli(['feeds', 'add', `${http.origin}/`], { cwd: tmp.dir() });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/is a web page \(HTML\), not a feed, and it does not link to any feed/);
    expectNoStack(result.stderr);
  });

  it('imports OPML subscriptions into the config, keeping comments, and lists them', async () => {
    tmp.write('digest.config.yaml', '# my digest\ntitle: Mine # the name\nfeeds:\n  - url: https://a.example/feed\n');
    const opml = tmp.write(
      'subs.opml',
      '<opml version="1.0"><body><outline text="News"><outline text="B" xmlUrl="https://b.example/rss"/><outline text="A again" xmlUrl="https://a.example/feed"/></outline></body></opml>',
    );
    const result = await runCli(['feeds', 'import', opml], { cwd: tmp.dir() });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Updated digest.config.yaml: added 1 feed, 1 already there\./);
    const config = readFileSync(path.join(tmp.dir(), 'digest.config.yaml'), 'utf8');
    expect(config).toContain('# my digest');
    expect(config).toContain('title: Mine # the name');
    expect(config).toMatch(/- url: https:\/\/b.example\/rss\n\s+name: B\n\s+section: News/);

    const list = await runCli(['feeds', '--json'], { cwd: tmp.dir() });
    expect(JSON.parse(list.stdout)).toEqual([
      expect.objectContaining({ url: 'https://a.example/feed', lastStatus: null }),
      expect.objectContaining({ url: 'https://b.example/rss', name: 'B', section: 'News' }),
    ]);
  });

  it('says what is wrong with a file that is not OPML', async () => {
    const bad = tmp.write('subs.opml', '<html><body>nope</body></html>');
    tmp.write('digest.config.yaml', 'feeds: []\n');
    const result = await runCli(['feeds', 'import', bad], { cwd: tmp.dir() });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/subs.opml: not an OPML file/);
  });
});
