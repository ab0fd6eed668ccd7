import path from 'node:path';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import { resolveConfig, type ResolvedConfig } from '../../src/config/resolve-config.js';
import { leftOutJson, storiesJson } from '../../src/pipeline/digest-json.js';
import { explainLines } from '../../src/pipeline/dry-run.js';
import { dryRun } from '../../src/pipeline/dry-run.js';
import { runDigest } from '../../src/pipeline/run-digest.js';
import { leftOutStories } from '../../src/select/left-out.js';
import type { Decision } from '../../src/select/select-items.js';
import { StateStore } from '../../src/state/state-store.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { useTempDir } from '../support/temp-dir.js';

/**
 * Issue 9, part 4: nothing is left out in silence. Stories over a limit are listed under "More
 * from <feed>" and count as shown; those the size budget or a future date keeps out are carried
 * to the next digest; `--json` and the run summary say which.
 */
const tmp = useTempDir();
let smtp: TestSmtpServer | undefined;
afterEach(async () => {
  await smtp?.close();
  smtp = undefined;
});

const day = (n: number) => new Date(Date.UTC(2026, 10, 27 + n, 7));
const hoursBefore = (date: Date, h: number) => new Date(date.getTime() - h * 3600_000).toUTCString();

interface Entry {
  guid: string;
  title: string;
  date: string;
}

function writeFeed(name: string, title: string, entries: Entry[]): string {
  const items = entries
    .map((e) => `<item><guid>${e.guid}</guid><title>${e.title}</title><link>https://${name}.example/${e.guid}</link><pubDate>${e.date}</pubDate><description>${e.title}, as the desk reports it this morning.</description></item>`)
    .join('');
  return tmp.write(`${name}.xml`, `<?xml version="1.0"?><rss version="2.0"><channel><title>${title}</title><link>https://${name}.example/</link>${items}</channel></rss>`);
}

function config(feeds: string[], raw: Record<string, unknown> = {}): ResolvedConfig {
  const dir = tmp.dir();
  return resolveConfig(
    validateConfig(
      {
        recipients: ['reader@example.com'],
        out: path.join(dir, 'out'),
        state: path.join(dir, 'state.sqlite'),
        feeds: feeds.map((url) => ({ url, fullText: 'never' })),
        limits: { perFeed: 3, total: 4, firstRun: 10 },
        delivery: { rateLimit: 0, attempts: 1 },
        ...raw,
      },
      { file: 'test' },
    ),
    { source: null, baseDir: dir, env: smtp ? { SMTP_URL: smtp.url } : {} },
  );
}

const wire = (n: number, hours: number, date = day(0)): Entry => ({ guid: `w${n}`, title: `Wire report number ${n} on the harbour strike talks`, date: hoursBefore(date, hours) });
const city = (n: number, hours: number, date = day(0)): Entry => ({ guid: `c${n}`, title: `City desk story ${n} about the night bus routes`, date: hoursBefore(date, hours) });

function itemStatus(cfg: ResolvedConfig, id: string) {
  const store = StateStore.open(cfg.statePath);
  try {
    return store.itemStatus(id)?.status;
  } finally {
    store.close();
  }
}

describe('stories over a limit are listed, not dropped in silence', () => {
  it('lists them under "More from <feed>", records them with the run, and never offers them again', async () => {
    // Wire: 6 stories, perFeed 3 → 3 over the feed's limit; total 4 (round-robin) → 1 more over the total.
    // One City story is dated tomorrow: carried until its time comes.
    const wireFeed = writeFeed('wire', 'The Wire', [1, 2, 3, 4, 5, 6].map((n) => wire(n, n)));
    const cityFeed = writeFeed('city', 'City Desk', [city(1, 1), city(2, 2), { ...city(3, 0), date: hoursBefore(day(0), -30) }]);
    const cfg = config([wireFeed, cityFeed]);

    const first = await runDigest(cfg, { now: () => day(0) });
    expect(first.status).toBe('sent');
    expect(first.digest!.items.map((i) => i.headline)).toEqual([
      'Wire report number 1 on the harbour strike talks',
      'Wire report number 2 on the harbour strike talks',
      'City desk story 1 about the night bus routes',
      'City desk story 2 about the night bus routes',
    ]);
    expect(first.leftOut.map((s) => [s.feed, s.headline.split(' ').slice(0, 4).join(' '), s.reason, s.carriedOver, s.listed])).toEqual([
      ['The Wire', 'Wire report number 3', 'over-total-limit', false, true],
      ['The Wire', 'Wire report number 4', 'over-feed-limit', false, true],
      ['The Wire', 'Wire report number 5', 'over-feed-limit', false, true],
      ['The Wire', 'Wire report number 6', 'over-feed-limit', false, true],
      ['City Desk', 'City desk story 3', 'future', true, false],
    ]);
    const html = readFileSync(first.files.html!, 'utf8');
    expect(html).toContain('More from The Wire: 4 stories');
    expect(html).toContain('href="https://wire.example/w3"'); // the newest few, linked
    expect(html).toContain('1 more on wire.example →');
    expect(leftOutJson(first.leftOut)[0]).toEqual({ feed: 'The Wire', url: 'https://wire.example/w3', headline: 'Wire report number 3 on the harbour strike talks', reason: 'over-total-limit', carried_over: false, listed: true });

    // Listed stories went out with the run (delivered), the future one is not recorded at all.
    const listedId = first.decisions.find((d) => d.link === 'https://wire.example/w4')!.id;
    expect(itemStatus(cfg, listedId)).toBe('delivered');
    expect(itemStatus(cfg, first.decisions.find((d) => d.link === 'https://city.example/c3')!.id)).toBeUndefined();

    // Two days later, with one new wire story: the listed ones are not offered again; the
    // story dated in the future now is in.
    writeFeed('wire', 'The Wire', [wire(7, 1, day(2)), ...[1, 2, 3, 4, 5, 6].map((n) => wire(n, n))]);
    const second = await runDigest(cfg, { now: () => day(2) });

    expect(second.digest!.items.map((i) => i.headline).sort()).toEqual(['City desk story 3 about the night bus routes', 'Wire report number 7 on the harbour strike talks']);
    expect(second.leftOut).toEqual([]);
  });

  it('offers listed stories again when the run reached nobody', async () => {
    smtp = await startSmtpServer({ rejectRecipient: () => ({ code: 550, message: 'No such user' }) });
    const wireFeed = writeFeed('wire', 'The Wire', [1, 2, 3, 4, 5].map((n) => wire(n, n)));
    const cfg = config([wireFeed], { limits: { perFeed: 2, total: 30, firstRun: 10 } });
    const first = await runDigest(cfg, { now: () => day(0) });
    expect(first.delivery).toMatchObject({ sent: 0, failedPermanent: 1 });
    expect(first.leftOut.filter((s) => s.listed)).toHaveLength(3);
    const listedId = first.decisions.find((d) => d.link === 'https://wire.example/w5')!.id;
    expect(itemStatus(cfg, listedId)).toBe('released');
    const second = await runDigest(cfg, { now: () => day(1) });
    // The same two stories again, and the same three listed.
    expect(second.digest!.items.map((i) => i.id)).toEqual(first.digest!.items.map((i) => i.id));
    expect(second.leftOut.map((s) => s.id)).toEqual(first.leftOut.map((s) => s.id));
  });

  it('carries stories the size budget left out to the next digest, and says so', async () => {
    const many = Array.from({ length: 14 }, (_, n) => wire(n + 1, n + 1));
    const cfg = config([writeFeed('wire', 'The Wire', many)], { limits: { perFeed: 14, total: 14, firstRun: 14 }, maxHtmlKilobytes: 16 });
    const first = await runDigest(cfg, { now: () => day(0) });
    const carried = first.leftOut.filter((s) => s.reason === 'size-budget');
    expect(carried.length).toBeGreaterThan(0);
    expect(carried.every((s) => s.carriedOver && !s.listed)).toBe(true);
    expect(first.items + carried.length).toBe(14);
    expect(storiesJson(first.digest!)).toHaveLength(first.items);
    // Each next digest takes what was carried; nothing is lost on the way, nothing comes twice.
    const delivered = first.digest!.items.map((i) => i.id);
    let pending = carried.map((s) => s.id);
    for (let n = 1; pending.length > 0 && n < 10; n++) {
      const next = await runDigest(cfg, { now: () => day(n) });
      const shown = next.digest!.items.map((i) => i.id);
      const again = next.leftOut.filter((s) => s.reason === 'size-budget').map((s) => s.id);
      expect([...shown, ...again].sort()).toEqual([...pending].sort());
      delivered.push(...shown);
      pending = again;
    }
    expect(new Set(delivered).size).toBe(14);
    expect(delivered).toHaveLength(14);
  });
});

describe('the left-out policy', () => {
  const decision = (verdict: Decision['verdict'], n: number, feed = 'A'): Decision => ({
    id: `${feed}${n}`,
    feed,
    feedUrl: `https://${feed}.example/feed`,
    title: `Story ${n} &amp; more`,
    link: `https://${feed}.example/${n}`,
    published: new Date(Date.UTC(2026, 10, 27, n)),
    verdict,
  });

  it('lists stories over a limit, carries future ones, holds back old ones; seen and duplicates are not left out', () => {
    const decisions = [
      decision('included', 1),
      decision('seen', 2),
      decision('duplicate', 3),
      decision('over-feed-limit', 4),
      decision('first-run-backlog', 5),
      decision('future', 6),
      decision('too-old', 7),
      decision('over-total-limit', 8, 'B'),
    ];
    const out = leftOutStories(decisions, { headlineLength: 120, feedSite: (url) => (url.startsWith('https://A') ? 'https://a.example/' : undefined) });
    expect(out.map((s) => [s.id, s.reason, s.carriedOver, s.listed])).toEqual([
      ['A7', 'too-old', false, false],
      ['A6', 'future', true, false],
      ['A5', 'first-run-backlog', false, true],
      ['A4', 'over-feed-limit', false, true],
      ['B8', 'over-total-limit', false, true],
    ]);
    expect(out[0]!.headline).toBe('Story 7 &amp; more'); // titles are plain text since the parse stage: never decoded twice
    expect(out[0]!.feedSite).toBe('https://a.example/');
    expect(out[4]!.feedSite).toBeNull();
  });

  it('names a story without a title by its first sentence, and a podcast episode without a link by its audio', () => {
    const post = { ...decision('over-feed-limit', 1), title: '(untitled)', link: null };
    const items = new Map([
      [post.id, { summary: '<p>Got a wedding date 😎</p><p>More soon. Much more.</p>', enclosure: { url: 'https://cdn.example/ep1.mp3', type: 'audio/mpeg' } }],
    ]);
    const [story] = leftOutStories([post], { headlineLength: 120, itemOf: (id) => items.get(id) });
    expect(story).toMatchObject({ headline: 'Got a wedding date 😎', url: 'https://cdn.example/ep1.mp3', listed: true });
    const [long] = leftOutStories([{ ...decision('over-total-limit', 2), title: 'x'.repeat(10) + ' ' + 'word '.repeat(60) }], { headlineLength: 40 });
    expect(long!.headline.length).toBeLessThanOrEqual(40);
    expect(long!.headline).toMatch(/…$/);
    const [named] = leftOutStories([{ ...decision('over-feed-limit', 3), title: 'Harbour reopens after repairs | A' }], { headlineLength: 120 });
    expect(named!.headline).toBe('Harbour reopens after repairs'); // the site's name goes, as in the email's own headlines
  });

  it('--explain heads each feed with its counts per reason', () => {
    const lines = explainLines([decision('included', 1), decision('over-feed-limit', 2), decision('over-feed-limit', 3), decision('seen', 4), decision('included', 5, 'B')], ['https://B.example/feed', 'https://A.example/feed']);
    expect(lines[0]).toBe('B: 1 included');
    expect(lines[2]).toBe('A: 1 included, 1 seen before, 2 over the feed’s limit');
    expect(lines[5]).toMatch(/^ {2}· over the feed’s limit: listed Story 3 &amp; more/);
  });

  it('a dry run says what would be listed and carried, without recording anything', async () => {
    const cfg = config([writeFeed('wire', 'The Wire', [1, 2, 3, 4].map((n) => wire(n, n)))], { limits: { perFeed: 2, total: 30, firstRun: 10 } });
    const result = await dryRun(cfg, { now: () => day(0) });
    expect(storiesJson(result.digest).map((s) => [s.headline.slice(0, 20), s.lead])).toEqual([
      ['Wire report number 1', true],
      ['Wire report number 2', false],
    ]);
    expect(leftOutJson(result.digest.leftOut).map((s) => [s.reason, s.listed])).toEqual([
      ['over-feed-limit', true],
      ['over-feed-limit', true],
    ]);
    expect(itemStatus(cfg, result.decisions[0]!.id)).toBeUndefined();
  });
});
