import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../support/cli.js';
import { serve, startHttpServer, type TestHttpServer } from '../support/http.js';
import { REPO_ROOT, useTempDir } from '../support/temp-dir.js';

const tmp = useTempDir();
const servers: TestHttpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const fixture = (name: string) => readFileSync(path.join(REPO_ROOT, 'feeds', name));

/** The three bundled sample feeds over HTTP, plus one whose title carries a tagline. */
async function feedServer(): Promise<TestHttpServer> {
  const http = await startHttpServer({
    '/world.xml': serve(fixture('world-news.rss.xml'), 'application/rss+xml'),
    '/science.xml': serve(fixture('science-notes.atom.xml'), 'application/atom+xml'),
    '/culture.json': serve(fixture('city-culture.json'), 'application/feed+json'),
    '/sky.xml': serve(
      fixture('world-news.rss.xml')
        .toString()
        .replace('<title>World Desk</title>', '<title>The Latest News from the UK and Around the World | Sky News</title>')
        .replace(/<guid>([^<]*)<\/guid>/g, '<guid>sky-$1</guid>')
        .replace(/<link>https?:\/\/[^<]*\/([^/<]*)<\/link>/g, '<link>https://news.sky.example/$1</link>'),
      'application/rss+xml',
    ),
  });
  servers.push(http);
  return http;
}

function writeConfig(origin: string): string {
  return tmp.write(
    'digest.config.yaml',
    [
      '# Newsroom digest — edited by hand, keep the notes!',
      'title:   Newsroom     # the subject starts with this',
      'recipients:',
      '  - editor@example.com',
      'feeds:',
      '  # ── World ──',
      `  - url: ${origin}/world.xml   # the main desk`,
      '    section: World',
      '  # ── Science ──',
      `  - ${origin}/science.xml`,
      `  - url: ${origin}/culture.json`,
      '    name: City & Culture',
      '    exclude: [/night market/, tram]',
      'limits:',
      '    perFeed: 4        # aligned',
      '    maxAgeDays: 0     # the sample feeds are dated November 2026: no age limit, whatever today is',
      '',
    ].join('\n'),
  );
}

const cli = (args: string[]) => runCli(args, { cwd: tmp.dir() });
const configText = () => readFileSync(path.join(tmp.dir(), 'digest.config.yaml'), 'utf8');
const json = <T>(result: CliResult): T => JSON.parse(result.stdout) as T;
const requestsTo = (http: TestHttpServer, route: string) => http.requests.filter((r) => r.path === route).length;

describe('digest feeds: managing the feed list', () => {
  it('pause stops fetching a feed and says so; unpause, rename and remove edit the config and keep its comments', async () => {
    const http = await feedServer();
    writeConfig(http.origin);
    const first = await cli(['run']);
    expect(first.code, first.stderr).toBe(0);

    const pause = await cli(['feeds', 'pause', 'Science Notes']);
    expect(pause.code, pause.stderr).toBe(0);
    expect(pause.stdout).toBe(`Paused "Science Notes" (${http.origin}/science.xml) in digest.config.yaml:10: it is not fetched until \`digest feeds unpause "Science Notes"\`.\n`);
    expect(configText()).toContain(`  # ── Science ──\n  - url: ${http.origin}/science.xml\n    paused: true\n`);

    const list = await cli(['feeds']);
    expect(list.stdout).toContain(`Science Notes  — paused\n  ${http.origin}/science.xml\n  paused: not fetched (\`digest feeds unpause "Science Notes"\` to fetch it again)\n`);
    expect(list.stdout).toContain('City & Culture\n');
    expect(list.stdout).toContain('  filters: exclude /night market/, "tram"\n');
    expect(json<{ url: string; paused: boolean }[]>(await cli(['feeds', '--json'])).map((f) => [f.url.replace(http.origin, ''), f.paused])).toEqual([
      ['/world.xml', false],
      ['/culture.json', false],
      ['/science.xml', true],
    ]);

    const before = requestsTo(http, '/science.xml');
    const second = await cli(['run', '--dry-run']);
    expect(second.stdout).toContain('2 feeds read, 0 failed.\n  1 paused (not fetched): ');
    expect(requestsTo(http, '/science.xml')).toBe(before);
    expect(requestsTo(http, '/world.xml')).toBeGreaterThan(1);

    expect((await cli(['feeds', 'pause', `${http.origin}/science.xml`])).stdout).toMatch(/is already paused; nothing changed/);
    expect((await cli(['feeds', 'unpause', 'science notes'])).stdout).toMatch(/^Unpaused "Science Notes" .* the next run fetches it again/);
    expect(configText()).toContain(`  - url: ${http.origin}/science.xml\n  - url: ${http.origin}/culture.json`);

    const rename = await cli(['feeds', 'rename', 'World Desk', 'World']);
    expect(rename.stdout).toBe('Renamed "World Desk" to "World" in digest.config.yaml:7.\n');
    const remove = await cli(['feeds', 'remove', 'City & Culture']);
    expect(remove.code, remove.stderr).toBe(0);
    expect(remove.stdout).toContain(`Removed "City & Culture" (${http.origin}/culture.json) from digest.config.yaml:12.`);
    expect(configText()).toBe(
      [
        '# Newsroom digest — edited by hand, keep the notes!',
        'title:   Newsroom     # the subject starts with this',
        'recipients:',
        '  - editor@example.com',
        'feeds:',
        '  # ── World ──',
        `  - url: ${http.origin}/world.xml   # the main desk`,
        '    name: World',
        '    section: World',
        '  # ── Science ──',
        `  - url: ${http.origin}/science.xml`,
        'limits:',
        '    perFeed: 4        # aligned',
        '    maxAgeDays: 0     # the sample feeds are dated November 2026: no age limit, whatever today is',
        '',
      ].join('\n'),
    );
    expect((await cli(['feeds', 'rm', 'nothing-like-it'])).stderr).toMatch(/error: no feed named or at "nothing-like-it" in digest.config.yaml/);
  }, 300_000);

  it('an unknown subcommand gets an error listing the subcommands', async () => {
    writeConfig('https://unused.example');
    const result = await cli(['feeds', 'delte', 'x']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'error: "delte" is not a feeds command; the feeds commands are: list, add, import, remove, pause, unpause, rename, export\n' +
        '  → `digest feeds --help` describes them; did you mean `digest feeds remove`?\n',
    );
    for (const command of ['feeds remove', 'reset']) {
      const help = await cli([...command.split(' '), '--help']);
      expect(help.code, command).toBe(0);
      expect(help.stdout, command).toMatch(/Usage: digest (feeds|reset)/);
    }
  }, 120_000);

  it('feeds add stores the site’s name, not the feed’s tagline', async () => {
    const http = await feedServer();
    tmp.write('digest.config.yaml', '# mine\nfeeds: []\n');
    const result = await cli(['feeds', 'add', `${http.origin}/sky.xml`]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Added "Sky News" (');
    expect(result.stdout).toContain('(its title is "The Latest News from the UK and Around the World | Sky News"; `digest feeds rename "Sky News" "…"` to name it otherwise)');
    expect(configText()).toContain(`  - url: ${http.origin}/sky.xml\n    name: Sky News\n`);
  }, 120_000);

  it('an export re-imports to the same feed list', async () => {
    const http = await feedServer();
    writeConfig(http.origin);
    await cli(['run']);
    await cli(['feeds', 'pause', 'City & Culture']);
    const exported = await cli(['feeds', 'export', 'subs.opml']);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toBe('Wrote 3 feeds to subs.opml.\n');
    const opml = readFileSync(path.join(tmp.dir(), 'subs.opml'), 'utf8');
    expect(opml).toMatch(/<outline text="World" title="World">\n\s+<outline type="rss" text="World Desk" title="World Desk" xmlUrl="http:\/\/127.0.0.1:\d+\/world.xml"\/>\n\s+<\/outline>/);
    // Printed when no file is given.
    const undated = (text: string) => text.replace(/<dateCreated>[^<]*<\/dateCreated>/, '');
    expect(undated((await cli(['feeds', 'export'])).stdout)).toBe(undated(opml));
    const list = (cwd: string) => runCli(['feeds', '--json'], { cwd }).then((r) => json<{ url: string; name: string; section: string | null; paused: boolean }[]>(r).map((f) => [f.url, f.name, f.section, f.paused]));
    const original = await list(tmp.dir());

    const other = path.join(tmp.dir(), 'other');
    // The feeds are on this machine: the copy allows private addresses, as imports refuse them otherwise.
    tmp.write('other/digest.config.yaml', '# a new digest\ntitle: Copy\nfetch:\n  allowPrivateArticles: true\n');
    const imported = await runCli(['feeds', 'import', path.join(tmp.dir(), 'subs.opml')], { cwd: other });
    expect(imported.stdout).toBe('Updated digest.config.yaml: added 3 feeds (1 paused, as the file marks them).\n');
    // Names the original knows from the feeds' titles are written into the copy's config.
    expect(await list(other)).toEqual(original);
  }, 300_000);
});

describe('per-feed filters and --explain', () => {
  it('names the filter that held each story back; a filtered story counts as seen', async () => {
    const http = await feedServer();
    writeConfig(http.origin);
    const dry = await cli(['run', '--dry-run', '--explain']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/^ {2}· filtered: exclude \/night market\/ Night market returns to the riverside with 60 stalls/m);
    expect(dry.stdout).toMatch(/^ {2}· filtered: exclude "tram" +A 24-hour library opens in the old tram depot/m);
    const decisions = json<{ decisions: { title: string; verdict: string; detail?: string }[] }>(await cli(['run', '--dry-run', '--json'])).decisions;
    expect(decisions.filter((d) => d.verdict === 'filtered').map((d) => d.detail).sort()).toEqual(['exclude "tram"', 'exclude /night market/']);

    expect((await cli(['run'])).code).toBe(0);
    const after = await cli(['run', '--dry-run', '--explain']);
    expect(after.stdout).toMatch(/· seen before +Night market returns/);
  }, 300_000);

  it('reports a pattern it cannot run with the file, line and feed', async () => {
    tmp.write('digest.config.yaml', 'feeds:\n  - url: https://a.example/feed\n    include: ["/(?<=x)y/"]\n');
    const result = await cli(['check']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/digest.config.yaml:3: feeds\[0\]\.include\[0\]: \/\(\?<=x\)y\/ is not a usable pattern: .*look-ahead, look-behind and back-references are not supported/);
  }, 120_000);
});

describe('digest reset', () => {
  it('refuses without a terminal or --yes; with --yes forgets one feed, keeping the ledger', async () => {
    const http = await feedServer();
    writeConfig(http.origin);
    expect((await cli(['run'])).code).toBe(0);
    expect((await cli(['run', '--dry-run'])).stdout).toContain('Nothing new');

    const refused = await cli(['reset', 'World Desk']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('error: not resetting without confirmation: this would forget the 4 stories seen from "World Desk"\n  → Run it on a terminal to be asked, or add --yes: digest reset "World Desk" --yes\n');

    const reset = await cli(['reset', 'World Desk', '--yes']);
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stdout).toBe('Forgot 4 stories of "World Desk". The next `digest run` offers its current stories again.\nRuns and deliveries stay in the ledger.\n');
    const dry = await cli(['run', '--dry-run', '--explain']);
    expect(dry.stdout).toMatch(/The next run would send ".*" \(4 items\)/);
    expect(dry.stdout).toMatch(/^World Desk: 4 included\n {2}✓ included/m); // --explain heads each feed with its counts
    // The run's one delivery is still in the ledger (written to the outbox: nobody was emailed, so none "sent").
    const runs = json<{ id: number; transport: string; sent: number; written: number }[]>(await cli(['runs', '--json']));
    expect(runs.map((r) => [r.id, r.transport, r.sent, r.written])).toEqual([[1, 'outbox', 0, 1]]);
    expect((await cli(['reset', 'https://never.example/feed', '--yes'])).stderr).toMatch(/no feed named or at "https:\/\/never.example\/feed"/);
  }, 300_000);

  it('asks on a terminal, and does nothing unless the answer is yes', async () => {
    const script = spawnSync('script', ['--version'], { encoding: 'utf8' });
    if (script.status !== 0) {
      if (process.env.CI) throw new Error('`script` (util-linux, Debian package bsdutils) is needed to give the command a terminal: apt-get install -y bsdutils');
      console.warn('`script` not found: the confirmation prompt is not tested');
      return;
    }
    const http = await feedServer();
    writeConfig(http.origin);
    expect((await cli(['run'])).code).toBe(0);
    const onTerminal = (answer: string) =>
      new Promise<string>((resolve, reject) => {
        const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(REPO_ROOT, 'bin/digest.js'))} reset`;
        const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: tmp.dir(), env: { ...process.env, NO_COLOR: '1', CI: '', DIGEST_CONFIG: '' } });
        let output = '';
        let answered = false;
        child.stdin.on('error', () => {}); // the command may be gone before its stdin is closed
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (!answered && output.includes('[y/N]')) {
            answered = true;
            child.stdin.end(answer);
          }
        });
        const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
        child.on('error', reject);
        child.on('close', () => {
          clearTimeout(timer);
          resolve(output);
        });
      });
    const no = await onTerminal('n\n');
    expect(no).toContain('Forget the 10 stories seen from every feed? The next run offers their current stories again. [y/N]');
    expect(no).toContain('Nothing changed.');
    expect((await cli(['run', '--dry-run'])).stdout).toContain('Nothing new');
    const yes = await onTerminal('y\n');
    expect(yes).toContain('Forgot 10 stories of every feed.');
    // Every story is offered again, except the two City & Culture's filter holds back again.
    expect((await cli(['run', '--dry-run'])).stdout).toMatch(/would send .* \(8 items\)/);
  }, 300_000);
});
