import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import { resolveConfig, type ResolvedConfig } from '../../src/config/resolve-config.js';
import { runDigest } from '../../src/pipeline/run-digest.js';
import { ageLimitNote, dryRun, explainLines } from '../../src/pipeline/dry-run.js';
import { findFeed } from '../../src/pipeline/add-feed.js';
import { StateStore } from '../../src/state/state-store.js';
import { serve, startHttpServer, type TestHttpServer } from '../support/http.js';
import { useTempDir } from '../support/temp-dir.js';

const tmp = useTempDir();
let http: TestHttpServer;
afterEach(async () => {
  await http?.close();
});

const now = new Date('2026-11-27T07:00:00Z');
const clock = () => now;

function rss(title: string, items: { guid: string; title: string; link?: string; date?: string; body?: string }[]): string {
  const entries = items
    .map(
      (i) =>
        `<item><guid>${i.guid}</guid><title>${i.title}</title>${i.link ? `<link>${i.link}</link>` : ''}<pubDate>${i.date ?? 'Thu, 26 Nov 2026 10:00:00 GMT'}</pubDate>` +
        `<description><![CDATA[${i.body ?? `<p>${i.title}: a paragraph with enough words in it to be a lede for this story, and then some more words so it is not a teaser at all.</p>`.repeat(8)}]]></description></item>`,
    )
    .join('');
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>${title}</title><link>https://example.com/</link>${entries}</channel></rss>`;
}

function config(raw: Record<string, unknown>): ResolvedConfig {
  const dir = tmp.dir();
  return resolveConfig(
    validateConfig({ recipients: ['reader@example.com'], out: path.join(dir, 'out'), state: path.join(dir, 'state.sqlite'), ...raw }, { file: 'test' }),
    { source: null, baseDir: dir, env: {} },
  );
}

function feedState(cfg: ResolvedConfig, url: string) {
  const store = StateStore.open(cfg.statePath);
  try {
    return store.getFeed(url);
  } finally {
    store.close();
  }
}

const story = (n: number) => ({ guid: `s${n}`, title: `Story ${n} about the harbour bridge repairs`, link: `https://example.com/s${n}` });

describe('fetching feeds across runs', () => {
  it('uses conditional GET: the second run is answered 304 and parses nothing', async () => {
    http = await startHttpServer({ '/feed.xml': serve(rss('Harbour', [story(1)]), 'application/rss+xml', '"v1"') });
    const cfg = config({ feeds: [{ url: `${http.origin}/feed.xml` }] });
    const first = await runDigest(cfg, { now: clock });
    expect(first.items).toBe(1);
    expect(feedState(cfg, `${http.origin}/feed.xml`)).toMatchObject({ etag: '"v1"', lastStatus: 'ok', consecutiveFailures: 0 });
    const second = await runDigest(cfg, { now: clock });
    expect(second.status).toBe('nothing-new');
    expect(http.requests[1]!.headers['if-none-match']).toBe('"v1"');
    expect(feedState(cfg, `${http.origin}/feed.xml`)).toMatchObject({ etag: '"v1"', lastStatus: 'not-modified' });
  });

  it('remembers a 301 as the feed’s new address and asks there next time', async () => {
    http = await startHttpServer({
      '/old.xml': (_req, res) => {
        res.writeHead(301, { location: '/new.xml' });
        res.end();
      },
      '/new.xml': serve(rss('Moved', [story(1)]), 'application/rss+xml'),
    });
    const cfg = config({ feeds: [{ url: `${http.origin}/old.xml` }] });
    await runDigest(cfg, { now: clock });
    expect(feedState(cfg, `${http.origin}/old.xml`)?.movedTo).toBe(`${http.origin}/new.xml`);
    http.requests.length = 0;
    await runDigest(cfg, { now: clock });
    expect(http.requests.map((r) => r.path)).toEqual(['/new.xml']);
  });

  it('marks a feed that answers 410 as gone and stops asking it every run', async () => {
    http = await startHttpServer({
      '/gone.xml': (_req, res) => {
        res.writeHead(410);
        res.end();
      },
      '/ok.xml': serve(rss('OK', [story(1)]), 'application/rss+xml'),
    });
    const cfg = config({ feeds: [{ url: `${http.origin}/gone.xml`, name: 'Gone' }, { url: `${http.origin}/ok.xml` }] });
    const first = await runDigest(cfg, { now: clock });
    expect(first.feeds.failed).toEqual([expect.objectContaining({ feed: 'Gone', code: 'FETCH_GONE' })]);
    expect(first.items).toBe(1);
    http.requests.length = 0;
    const second = await runDigest(cfg, { now: clock });
    expect(http.requests.map((r) => r.path)).toEqual(['/ok.xml']);
    expect(second.feeds.failed[0]).toMatchObject({ code: 'FEED_GONE', message: expect.stringMatching(/HTTP 410.*remove it from the config/) });
  });

  it('keeps each feed’s health and counts failures in a row; one broken feed never stops the others', async () => {
    http = await startHttpServer({
      '/broken.xml': serve('<rss><channel><item><title>unclosed', 'application/rss+xml'),
      '/ok.xml': serve(rss('OK', [story(1)]), 'application/rss+xml'),
    });
    const cfg = config({ feeds: [{ url: `${http.origin}/broken.xml`, name: 'Broken' }, { url: `${http.origin}/ok.xml` }] });
    for (let run = 1; run <= 3; run++) {
      const result = await runDigest(cfg, { now: clock });
      expect(result.feeds.failed).toEqual([expect.objectContaining({ feed: 'Broken', consecutiveFailures: run })]);
    }
    expect(feedState(cfg, `${http.origin}/broken.xml`)).toMatchObject({ consecutiveFailures: 3, lastSuccessAt: null, lastError: expect.stringContaining('broken.xml') });
    expect(feedState(cfg, `${http.origin}/ok.xml`)).toMatchObject({ consecutiveFailures: 0, lastStatus: 'ok' });
  });

  it('does not treat an item that left the feed and came back as new (tombstones)', async () => {
    const route = { body: rss('T', [story(1), story(2)]) };
    http = await startHttpServer({ '/feed.xml': (_req, res) => res.end(route.body) });
    const cfg = config({ feeds: [{ url: `${http.origin}/feed.xml` }] });
    expect((await runDigest(cfg, { now: clock })).items).toBe(2);
    route.body = rss('T', [story(2)]);
    expect((await runDigest(cfg, { now: clock })).status).toBe('nothing-new');
    route.body = rss('T', [story(1), story(2), story(3)]);
    const third = await runDigest(cfg, { now: clock });
    expect(third.digest?.items.map((i) => i.headline)).toEqual(['Story 3 about the harbour bridge repairs']);
  });

  it('shows a story carried by two feeds once, with "also in"', async () => {
    http = await startHttpServer({
      '/a.xml': serve(rss('Feed A', [{ ...story(1), link: 'https://news.example/story?utm_source=a' }]), 'application/rss+xml'),
      '/b.xml': serve(rss('Feed B', [{ ...story(9), title: 'Another headline for it', link: 'http://www.news.example/story' }]), 'application/rss+xml'),
    });
    const cfg = config({ feeds: [{ url: `${http.origin}/a.xml` }, { url: `${http.origin}/b.xml` }] });
    const result = await runDigest(cfg, { now: clock });
    expect(result.digest?.items).toHaveLength(1);
    expect(result.digest?.items[0]).toMatchObject({ feedName: 'Feed A', alsoIn: ['Feed B'] });
  });
});

describe('full text for teaser feeds, behind the SSRF guard', () => {
  const teaserFeed = (origin: string) =>
    rss('Teasers', [{ guid: 't1', title: 'Bridge reopens after repairs', link: `${origin}/article.html`, body: '<p>The bridge reopened.</p>' }]);
  const articlePage =
    '<html><head><title>Bridge reopens after repairs</title></head><body><nav>Home | News</nav><article><h1>Bridge reopens after repairs</h1>' +
    '<p>The harbour bridge reopened to traffic on Monday, a year after cracks in its steel deck forced the city to close it.</p>'.repeat(1) +
    '<p>“We promised the city its bridge back by spring, and we are handing it over in winter,” said Maria Lopez, the city engineer.</p>' +
    '<p>Repairs cost 40 million and took eleven months, two months less than planned, the council said in a statement on Monday.</p></article></body></html>';

  it('does not fetch a linked page on a private address by default, and says why', async () => {
    http = await startHttpServer({});
    http.routes.set('/feed.xml', serve(teaserFeed(http.origin), 'application/rss+xml'));
    http.routes.set('/article.html', serve(articlePage, 'text/html'));
    const cfg = config({ feeds: [{ url: `${http.origin}/feed.xml` }] });
    const result = await runDigest(cfg, { now: clock });
    expect(http.requests.map((r) => r.path)).toEqual(['/feed.xml']);
    expect(result.warnings.join('\n')).toMatch(/could not fetch the full article/);
    expect(result.digest?.items[0]?.text).toBe('The bridge reopened.');
  });

  it('fetches the article page for a teaser when allowed, and uses its text', async () => {
    http = await startHttpServer({});
    http.routes.set('/feed.xml', serve(teaserFeed(http.origin), 'application/rss+xml'));
    http.routes.set('/article.html', serve(articlePage, 'text/html'));
    const cfg = config({ feeds: [{ url: `${http.origin}/feed.xml` }], fetch: { allowPrivateArticles: true } });
    const result = await runDigest(cfg, { now: clock });
    expect(http.requests.map((r) => r.path)).toEqual(['/feed.xml', '/article.html']);
    const item = result.digest?.items[0];
    expect(item?.lede).toMatch(/^The harbour bridge reopened to traffic on Monday/);
    expect(item?.text).toContain('“We promised the city its bridge back by spring, and we are handing it over in winter,” said Maria Lopez');
  });

  it('never fetches the page when the feed says fullText: never', async () => {
    http = await startHttpServer({});
    http.routes.set('/feed.xml', serve(teaserFeed(http.origin), 'application/rss+xml'));
    const cfg = config({ feeds: [{ url: `${http.origin}/feed.xml`, fullText: 'never' }], fetch: { allowPrivateArticles: true } });
    await runDigest(cfg, { now: clock });
    expect(http.requests.map((r) => r.path)).toEqual(['/feed.xml']);
  });
});

describe('dry run with --explain', () => {
  it('explains every item without sending or changing state', async () => {
    http = await startHttpServer({ '/feed.xml': serve(rss('Explained', [1, 2, 3].map(story)), 'application/rss+xml') });
    const cfg = config({ feeds: [{ url: `${http.origin}/feed.xml` }], limits: { perFeed: 2 } });
    await runDigest(cfg, { now: clock }); // s1, s2 delivered; s3 over the limit
    http.routes.set('/feed.xml', serve(rss('Explained', [1, 2, 3, 4].map(story)), 'application/rss+xml'));
    const result = await dryRun(cfg, { now: clock });
    expect(result.decisions.map((d) => [d.title.split(' ').slice(0, 2).join(' '), d.verdict])).toEqual([
      ['Story 1', 'seen'],
      ['Story 2', 'seen'],
      ['Story 3', 'seen'],
      ['Story 4', 'included'],
    ]);
    const lines = explainLines(result.decisions, cfg.feeds.map((f) => f.url));
    expect(lines[0]).toBe('Explained: 1 included, 3 seen before');
    expect(lines).toContain('  ✓ included                 Story 4 about the harbour bridge repairs (2026-11-26 10:00)');
    // Nothing changed: the real run still finds story 4.
    expect((await runDigest(cfg, { now: clock })).digest?.items.map((i) => i.id)).toHaveLength(1);
  });
});

describe('stale stories (issue 9): limits.maxAgeDays, 7 days by default, first run included', () => {
  it('keeps a years-dead feed out of a first digest, and --explain says why', async () => {
    const old = (n: number, year: number) => ({ ...story(n), date: `Mon, 0${n} Jan ${year} 10:00:00 GMT` });
    http = await startHttpServer({
      '/dead.xml': serve(rss('Dead Blog', [old(1, 2017), old(2, 2002)]), 'application/rss+xml'),
      '/live.xml': serve(rss('Live Desk', [{ guid: 'fresh', title: 'Fresh story about the harbour bridge', link: 'https://example.com/fresh' }]), 'application/rss+xml'),
    });
    const cfg = config({ feeds: [{ url: `${http.origin}/dead.xml` }, { url: `${http.origin}/live.xml` }] });
    expect(cfg.limits.maxAgeDays).toBe(7);
    const result = await dryRun(cfg, { now: clock });
    expect(result.digest.items.map((item) => item.url)).toEqual(['https://example.com/fresh']);
    const lines = explainLines(result.decisions, cfg.feeds.map((f) => f.url));
    expect(lines).toContain('  · too old: older than 7 days Story 1 about the harbour bridge repairs (2017-01-01 10:00)');
    expect(lines).toContain('  · too old: older than 7 days Story 2 about the harbour bridge repairs (2002-01-02 10:00)');
    expect(ageLimitNote(result.decisions, cfg.limits.maxAgeDays)).toBe(
      "2 items from 1 feed held back as too old (limits.maxAgeDays is 7; a feed's own maxAgeDays wins, 0 turns the limit off).",
    );
  });

  it('a feed’s own maxAgeDays wins; 0 turns the limit off', async () => {
    const dated = (n: number, date: string) => ({ ...story(n), date });
    http = await startHttpServer({ '/monthly.xml': serve(rss('Monthly', [dated(1, 'Mon, 02 Nov 2026 10:00:00 GMT'), dated(2, 'Sat, 01 Aug 2026 10:00:00 GMT')]), 'application/rss+xml') });
    const items = async (raw: Record<string, unknown>) => (await dryRun(config(raw), { now: clock })).digest.items.length;
    expect(await items({ feeds: [{ url: `${http.origin}/monthly.xml` }] })).toBe(0);
    expect(await items({ feeds: [{ url: `${http.origin}/monthly.xml`, maxAgeDays: 31 }] })).toBe(1);
    expect(await items({ feeds: [{ url: `${http.origin}/monthly.xml` }], limits: { maxAgeDays: 0 } })).toBe(2);
  });
});

describe('feeds add', () => {
  it('finds the feed a web page advertises', async () => {
    http = await startHttpServer({});
    http.routes.set(
      '/',
      serve(
        `<html><head><link rel="alternate" type="application/rss+xml" title="All posts" href="/feed.xml"><link rel="alternate" type="application/atom+xml" href="/atom.xml"></head><body>hi</body></html>`,
        'text/html',
      ),
    );
    http.routes.set('/feed.xml', serve(rss('The Site', [story(1), story(2)]), 'application/rss+xml'));
    const found = await findFeed(`${http.origin}/`);
    expect(found).toEqual({
      feed: { url: `${http.origin}/feed.xml`, name: 'The Site' },
      discoveredFrom: `${http.origin}/`,
      alternatives: [{ url: `${http.origin}/atom.xml` }],
      items: 2,
      title: 'The Site',
    });
  });

  it('stores the site’s name, not the tagline a feed’s title carries', async () => {
    http = await startHttpServer({});
    http.routes.set('/feed.xml', serve(rss('Latest headlines, analysis and opinion | The Site', [story(1)]), 'application/rss+xml'));
    const found = await findFeed(`${http.origin}/feed.xml`, { section: 'News' });
    expect(found).toMatchObject({ feed: { url: `${http.origin}/feed.xml`, name: 'The Site', section: 'News' }, title: 'Latest headlines, analysis and opinion | The Site' });
    expect((await findFeed(`${http.origin}/feed.xml`, { name: 'Mine' })).feed.name).toBe('Mine');
  });
});

describe('the size budget never loses a story', () => {
  it('carries the stories a too-large email left out into the next digest', async () => {
    const many = Array.from({ length: 12 }, (_, i) => ({
      guid: `b${i}`,
      title: `Budget story ${i} about the new harbour bridge and its repairs`,
      link: `https://example.com/b${i}`,
      date: new Date(Date.UTC(2026, 10, 26, 12) - i * 60_000).toUTCString(),
    }));
    http = await startHttpServer({ '/feed.xml': serve(rss('Budget', many), 'application/rss+xml') });
    const cfg = config({ feeds: [{ url: `${http.origin}/feed.xml` }], limits: { perFeed: 12, firstRun: 12 }, maxHtmlKilobytes: 22 });
    const first = await runDigest(cfg, { now: clock });
    expect(first.warnings.join("\n")).toMatch(/left out \(shown as "\d+ more"; they go in the next digest\)/);
    const sent = first.items;
    expect(sent).toBeLessThan(12);
    const second = await runDigest(cfg, { now: clock });
    expect(second.status).toBe('sent');
    const all = [...(first.digest?.items ?? []), ...(second.digest?.items ?? [])].map((i) => i.id);
    // Everything left out the first time is in the second digest.
    expect(new Set(all).size).toBe(12);
    expect(sent + (second.digest?.items.length ?? 0)).toBeGreaterThanOrEqual(12);
  });
});

/** The first bytes of a PNG file of the given size: its header is all a size reader needs. */
function pngHeader(width: number, height: number, padding = 0): Buffer {
  const bytes = Buffer.alloc(33 + padding);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bytes, 0);
  bytes.writeUInt32BE(13, 8);
  bytes.write('IHDR', 12);
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  bytes.writeUInt8(8, 24);
  bytes.writeUInt8(6, 25);
  return bytes;
}

describe('images', () => {
  it('reads the size of an image the feed does not size from its first bytes; one under 150 px is dropped (issue 9)', async () => {
    http = await startHttpServer({
      '/img/wide.png': serve(pngHeader(1600, 900, 3 * 1024 * 1024), 'image/png'),
      '/img/narrow.png': serve(pngHeader(320, 240), 'image/png'),
      '/img/icon.png': serve(pngHeader(64, 64), 'image/png'),
      '/img/broken.png': serve('<html>not an image</html>', 'text/html'),
    });
    const item = (n: number, image: string) =>
      `<item><guid>m${n}</guid><title>Picture story number ${n} about the harbour</title><link>https://pics.example/m${n}</link><pubDate>Thu, 26 Nov 2026 0${n}:00:00 GMT</pubDate>` +
      `<enclosure url="${http.origin}/img/${image}" type="image/png" length="1"/><description>${'The harbour bridge reopened to traffic on Monday after a year of repairs to its steel deck, the city said. '.repeat(12)}</description></item>`;
    http.routes.set('/feed.xml', serve(`<?xml version="1.0"?><rss version="2.0"><channel><title>Pictures</title>${['wide.png', 'narrow.png', 'icon.png', 'broken.png'].map((image, n) => item(n + 1, image)).join('')}</channel></rss>`, 'application/rss+xml'));
    const images = async (fetch: Record<string, unknown>) => {
      const result = await runDigest(config({ feeds: [{ url: `${http.origin}/feed.xml`, fullText: 'never' }], fetch }), { now: clock });
      return Object.fromEntries((result.digest?.items ?? []).map((i) => [i.url!.slice(-2), i.image && { width: i.image.width, height: i.image.height }]));
    };
    expect(await images({ allowPrivateArticles: true })).toEqual({
      m1: { width: 1600, height: 900 },
      m2: { width: 320, height: 240 },
      m3: null,
      m4: { width: null, height: null },
    });
    const reads = http.requests.filter((request) => request.path.startsWith('/img/'));
    expect(reads.every((request) => request.headers.range === 'bytes=0-131071')).toBe(true);
    // Image addresses come from the feed: like article links, they may not reach this machine's network.
    expect(Object.values(await images({})).every((image) => image?.width === null)).toBe(true);
  });

  it('states the measured width in the email, never wider than the image', async () => {
    http = await startHttpServer({ '/img/narrow.png': serve(pngHeader(320, 240), 'image/png') });
    http.routes.set('/feed.xml', serve(`<?xml version="1.0"?><rss version="2.0"><channel><title>Pictures</title><item><guid>n1</guid><title>Narrow picture story about the harbour bridge</title><link>https://pics.example/n1</link><pubDate>Thu, 26 Nov 2026 10:00:00 GMT</pubDate><enclosure url="${http.origin}/img/narrow.png" type="image/png" length="1"/><description>${'The harbour bridge reopened to traffic on Monday after a year of repairs to its steel deck, the city said. '.repeat(12)}</description></item></channel></rss>`, 'application/rss+xml'));
    const cfg = config({ feeds: [{ url: `${http.origin}/feed.xml`, fullText: 'never' }], fetch: { allowPrivateArticles: true } });
    await runDigest(cfg, { now: clock });
    const html = readFileSync(path.join(cfg.outDir, 'digest.html'), 'utf8');
    expect(/<img\b[^>]*narrow\.png[^>]*>/.exec(html)?.[0]).toMatch(/\swidth="320"/);
  });

  it('carries a feed item’s enclosure or media:content image through to the digest, absolute', async () => {
    const feedXml = `<?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Pictures</title><link>https://pics.example/</link>
      <item><guid>p1</guid><title>Harbour bridge reopens after a year of repairs</title><link>https://pics.example/bridge</link>
        <pubDate>Thu, 26 Nov 2026 10:00:00 GMT</pubDate><enclosure url="https://pics.example/img/bridge.jpg" type="image/jpeg" length="1000"/>
        <description><![CDATA[${'<p>The harbour bridge reopened to traffic on Monday after a year of repairs to its steel deck, the city said.</p>'.repeat(12)}]]></description></item>
      <item><guid>p2</guid><title>Night market returns to the riverside with sixty stalls</title><link>https://pics.example/market</link>
        <pubDate>Thu, 26 Nov 2026 09:00:00 GMT</pubDate><media:content url="/img/market.jpg" medium="image" width="1200" height="800"/>
        <description><![CDATA[${'<p>The riverside night market opens for its third winter on Friday, with sixty stalls along the embankment.</p>'.repeat(12)}]]></description></item>
    </channel></rss>`;
    http = await startHttpServer({ '/feed.xml': serve(feedXml, 'application/rss+xml') });
    const cfg = config({ feeds: [{ url: `${http.origin}/feed.xml` }], fetch: { measureImages: false } });
    const result = await runDigest(cfg, { now: clock });
    const images = Object.fromEntries((result.digest?.items ?? []).map((i) => [i.url, i.image?.url]));
    expect(images['https://pics.example/bridge']).toBe('https://pics.example/img/bridge.jpg');
    expect(images['https://pics.example/market']).toMatch(/^https?:\/\/.+\/img\/market\.jpg$/);
  });
});
