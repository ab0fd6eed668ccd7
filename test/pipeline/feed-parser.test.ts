import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openFeedParser, parseInThisThread, parserThreads, type FeedBody, type FeedParser } from '../../src/pipeline/feed-parser.js';
import { hasFeedsCorpus, listFeedFiles } from '../support/corpora.js';
import { REPO_ROOT, useTempDir } from '../support/temp-dir.js';

// The compiled thread entry (the global setup builds dist/ before the suite): what `digest run`
// starts. The sources cannot run in a thread without a TypeScript loader.
const ENTRY = pathToFileURL(path.join(REPO_ROOT, 'dist/pipeline/feed-parse-worker.js'));
const temp = useTempDir();
const open: FeedParser[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((parser) => parser.close()));
});
const threads = (count = 1, entry = ENTRY) => {
  const parser = parserThreads(entry, count);
  open.push(parser);
  return parser;
};

/** What a parse gave: the feed, or the error as the run reports it (class, code, message, hint, context). */
async function outcome(parser: FeedParser, body: FeedBody): Promise<unknown> {
  try {
    return { feed: await parser.parse(body) };
  } catch (error) {
    const e = error as Error & { code?: string; hint?: string; context?: unknown };
    return { error: { name: e.name, code: e.code, message: e.message, hint: e.hint, context: e.context } };
  }
}

const fixtureFeeds = listFeedFiles(path.join(REPO_ROOT, 'test/fixtures/feeds')).filter((file) => !file.endsWith('.opml'));
const bodies = (files: string[]): FeedBody[] => files.map((file) => ({ bytes: readFileSync(file), url: `https://feeds.example/${path.basename(file)}` }));

const badBodies: FeedBody[] = [
  { bytes: Buffer.from(''), url: 'https://bad.example/empty' },
  { bytes: Buffer.from('<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head><body>Hi</body></html>'), contentType: 'text/html', url: 'https://bad.example/page' },
  { bytes: Buffer.from('<?xml version="1.0"?><rss version="2.0"><channel><title>Cut off</title><item><title>One'), url: 'https://bad.example/truncated' },
  { bytes: Buffer.from([0, 1, 2, 3, 255, 254, 0, 0, 7, 8]), url: 'https://bad.example/binary' },
  { bytes: Buffer.from('{"version": "https://jsonfeed.org/version/1.1", "items": [ {"id": '), contentType: 'application/feed+json', url: 'https://bad.example/json' },
  { bytes: Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>Caf\xe9</title><item><title>Cr\xe8me</title><link>https://x.example/1</link></item></channel></rss>', 'latin1'), url: 'https://bad.example/latin1' },
];

describe('feed bodies parsed in a parser thread', () => {
  it('give the same feeds, and the same errors, as in this thread', async () => {
    const here = parseInThisThread();
    const there = threads(1);
    const all = [...bodies(fixtureFeeds), ...badBodies, ...(hasFeedsCorpus ? bodies(listFeedFiles().slice(0, 60)) : [])];
    const [mine, theirs] = await Promise.all([Promise.all(all.map((body) => outcome(here, body))), Promise.all(all.map((body) => outcome(there, body)))]);
    expect(theirs).toEqual(mine);
    // The bad bodies fail, each with its own code.
    const codes = mine.slice(fixtureFeeds.length, fixtureFeeds.length + badBodies.length).map((o) => (o as { error?: { code: string } }).error?.code ?? 'ok');
    expect(codes).toEqual(['PARSE_EMPTY', 'PARSE_HTML_NOT_FEED', 'PARSE_MALFORMED', 'PARSE_NOT_A_FEED', 'PARSE_MALFORMED', 'ok']);
    expect((theirs[fixtureFeeds.length + 1] as { error: { name: string } }).error.name).toBe('ParseError');
    expect((theirs[fixtureFeeds.length + badBodies.length - 1] as { feed: { title: string } }).feed.title).toBe("Café");
  });

  it('parse every body of a feed a thread fails on, in this thread', async () => {
    // A thread that dies on its first message, as one out of memory would.
    const crashing = temp.write('crash-worker.mjs', "import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => process.exit(3));\n");
    const parser = threads(1, pathToFileURL(crashing));
    const results = await Promise.all(bodies(fixtureFeeds).map((body) => parser.parse(body)));
    const expected = await Promise.all(bodies(fixtureFeeds).map((body) => parseInThisThread().parse(body)));
    expect(results).toEqual(expected);
    // And the ones after it, too.
    expect(await parser.parse(bodies(fixtureFeeds)[0]!)).toEqual(expected[0]);
  });

  it('finish the bodies still out when the parser is closed', async () => {
    const parser = threads(1);
    const pending = bodies(fixtureFeeds).map((body) => parser.parse(body));
    await parser.close();
    const expected = await Promise.all(bodies(fixtureFeeds).map((body) => parseInThisThread().parse(body)));
    expect(await Promise.all(pending)).toEqual(expected);
  });

  it('are only used for runs with many feeds, and when the compiled thread entry is there', () => {
    expect(openFeedParser(3, { entry: ENTRY }).threads).toBe(0);
    const missing = pathToFileURL(path.join(temp.dir(), 'no-such-worker.js'));
    expect(openFeedParser(200, { entry: missing }).threads).toBe(0);
    const many = openFeedParser(200, { entry: ENTRY });
    open.push(many);
    // A machine with one core parses in its own thread; with more, in one thread per spare core (at most 2).
    expect(many.threads).toBe(Math.max(0, Math.min(availableParallelism() - 1, 2)));
  });
});

describe('the built digest command', () => {
  it('reads twenty feeds through its parser thread into the same digest as in one thread', async () => {
    // Twenty copies of the fixture feeds, each with its own items, so the run uses a parser thread.
    const dir = temp.dir();
    const feeds: string[] = [];
    for (let i = 0; i < 20; i++) {
      const source = fixtureFeeds[i % fixtureFeeds.length]!;
      const name = `feed-${i}${path.extname(source)}`;
      writeFileSync(path.join(dir, name), readFileSync(source, 'utf8').replaceAll('https://', `https://f${i}.`));
      feeds.push(name);
    }
    const config = { title: 'Threads', feeds: feeds.map((url) => ({ url, maxAgeDays: 0 })), recipients: ['reader@example.com'], delivery: { transport: 'outbox' }, out: 'out', state: '.digest/state.sqlite', fetch: { measureImages: false } };
    writeFileSync(path.join(dir, 'digest.config.yaml'), JSON.stringify(config));
    const { runCli, runCliProcess } = await import('../support/cli.js');
    const inProcess = await runCli(['run', '--dry-run', '--json'], { cwd: dir });
    const built = await runCliProcess(['run', '--dry-run', '--json'], { cwd: dir });
    expect(built.code).toBe(inProcess.code);
    const stories = (out: string) => {
      const json = JSON.parse(out) as { stories: unknown[]; decisions: unknown[]; feeds: unknown };
      return { stories: json.stories, decisions: json.decisions, feeds: json.feeds };
    };
    expect(stories(built.stdout)).toEqual(stories(inProcess.stdout));
    expect((JSON.parse(built.stdout) as { stories: unknown[] }).stories.length).toBeGreaterThan(10);
  }, 120_000);
});
