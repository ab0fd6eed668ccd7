/**
 * parseFeed against the shared feed corpus (../shared/corpora/feeds): representative feeds of
 * each format, the entity bombs in _derived/, the 0x80 encoding matrix, and a sweep over every
 * file asserting that nothing escapes but a DigestError.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';

import { DigestError } from '../../src/errors.js';
import { decodeBody } from '../../src/fetch/decode-text.js';
import { parseFeed } from '../../src/parse/parse-feed.js';
import type { ParsedFeed } from '../../src/types.js';
import { feedsDir, hasFeedsCorpus, listFeedFiles } from '../support/corpora.js';

const corpusFile = (relative: string): string => path.join(feedsDir, relative);

/** Reads a corpus file the way fetch would hand it over: bytes → decodeBody → parseFeed. */
function parseCorpusFile(relative: string, url = `https://feeds.example/${relative}`): Promise<ParsedFeed> {
  return parseFeed(decodeBody(readFileSync(corpusFile(relative))), { url });
}

describe.skipIf(!hasFeedsCorpus)('parseFeed on representative corpus feeds', () => {
  it('RSS 2.0 (BBC podcast)', async () => {
    const feed = await parseCorpusFile('feed-rs/rss2/rss_2.0_bbc.xml');
    expect(feed).toMatchObject({ format: 'rss', title: 'In Our Time', link: 'http://www.bbc.co.uk/programmes/b006qykl' });
    expect(feed.items[0]).toMatchObject({
      title: 'Marcus Aurelius',
      link: 'http://www.bbc.co.uk/programmes/m000sjxt',
      published: new Date('2021-02-25T10:15:00Z'),
    });
  });

  it('RSS 1.0 / RDF in ISO-8859-1 (Golem)', async () => {
    const feed = await parseCorpusFile('feed-rs/rss1/rss_1.0_iso8859.xml');
    expect(feed).toMatchObject({ format: 'rdf', title: 'Golem.de', link: 'https://www.golem.de/' });
    expect(feed.items.length).toBeGreaterThan(0);
    expect(feed.items[0]?.title).toBe('Digitalministerium: Neue Glasfaserförderung mit Schnellkasse');
    expect(feed.items[0]?.author).toBe('Achim Sawall');
  });

  it('RSS 2.0 in windows-1251 with a namespaced default (oren.ru)', async () => {
    const feed = await parseCorpusFile('node-feedparser/iconv.xml');
    expect(feed.title).toBe('Новости Оренбурга и области / Раздел Новости');
    expect(feed.items).toHaveLength(10);
    expect(feed.items[0]?.title).toBe('В Бузулуке главные стройплощадки – детсад и Ледовый дворец');
  });

  it('Atom 1.0 (intertwingly.net)', async () => {
    const feed = await parseCorpusFile('node-feedparser/intertwingly.atom', 'http://intertwingly.net/blog/index.atom');
    expect(feed).toMatchObject({ format: 'atom', title: 'Sam Ruby', link: 'http://intertwingly.net/blog/' });
    expect(feed.items).toHaveLength(20);
    expect(feed.items[0]).toMatchObject({
      guid: 'tag:intertwingly.net,2004:3299',
      title: 'Inhibiting Suspend',
      link: 'http://intertwingly.net/blog/2012/07/16/Inhibiting-Suspend',
      author: 'Sam Ruby',
    });
    expect(feed.items[0]?.contentHtml).toContain('<p>The <a href=');
  });

  it('Atom 1.0 with xml:base and inline XHTML (feed-rs)', async () => {
    const feed = await parseCorpusFile('feed-rs/atom/atom_xml_base.xml');
    expect(feed.items[0]).toMatchObject({ link: 'https://numi.st/post/2022/travel-uke', baseUrl: 'https://numi.st/post/2022/travel-uke/' });
    expect(feed.items[0]?.contentHtml).toBe('<p><img src="IMG_1232.jpeg" /></p>');
  });

  it('Atom 0.3 (feedparser sample)', async () => {
    const feed = await parseCorpusFile('feedsmith/feeds/atom/atom-03.xml');
    expect(feed).toMatchObject({ format: 'atom', title: 'Sample Feed', link: 'http://example.org/' });
    expect(feed.items).toHaveLength(3);
    expect(feed.items[0]).toMatchObject({
      title: 'First entry title',
      link: 'http://example.org/entry/3',
      author: 'Mark Pilgrim',
      published: new Date('2004-04-20T00:23:47Z'),
      categories: ['Examples', 'Documentation'],
    });
  });

  it('JSON Feed 1.0 (jsonfeed.org)', async () => {
    const feed = await parseCorpusFile('feed-rs/jsonfeed/jsonfeed_spec_1.json');
    expect(feed).toMatchObject({ format: 'json', title: 'JSON Feed', link: 'https://jsonfeed.org/' });
    expect(feed.items[0]).toMatchObject({ title: 'Announcing JSON Feed', author: 'Brent Simmons and Manton Reece', published: new Date('2017-05-17T15:02:12Z') });
  });

  it('JSON Feed 1.1 (InfluxData)', async () => {
    const feed = await parseCorpusFile('feed-rs/jsonfeed/jsonfeed_elastic_1.1.json');
    expect(feed.format).toBe('json');
    expect(feed.items).toHaveLength(3);
    expect(feed.items[0]).toMatchObject({ author: 'Chris Churilo, Fake Author 1', categories: ['InfluxDB', 'Community', 'Elasticsearch', 'Time Series Database'] });
  });

  it('an HTML page (node-feedparser/notafeed.html)', async () => {
    await expect(parseCorpusFile('node-feedparser/notafeed.html')).rejects.toMatchObject({ code: 'PARSE_HTML_NOT_FEED' });
  });

  it('the benign internal entity and the external SYSTEM entity', async () => {
    expect((await parseCorpusFile('feedparser/wellformed/rss/entity_in_doctype.xml')).items[0]?.guid).toBe('tag:example.com,2006-05-04:/blog/');
    const xxe = await parseCorpusFile('w3c-feedvalidator/rss/should/system_entity.xml');
    expect(xxe.items[0]?.summary).toBe('<img src="http://www.example.com/spacer.gif?stealpasswords=">');
  });
});

describe.skipIf(!hasFeedsCorpus)('parseFeed on the _derived entity bombs', () => {
  it.each(['billion-laughs-rss.xml', 'quadratic-blowup-rss.xml', 'feedparser-exponential-entities-utf16be.xml'])(
    '%s fails fast with PARSE_ENTITY_BOMB and bounded memory',
    async (name) => {
      const bytes = readFileSync(corpusFile(`_derived/${name}`));
      const heapBefore = process.memoryUsage().heapUsed;
      const error = await parseFeed(decodeBody(bytes), { url: `https://feeds.example/${name}` }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DigestError);
      expect(error).toMatchObject({ code: 'PARSE_ENTITY_BOMB' });
      expect((error as DigestError).message).toContain(`https://feeds.example/${name}`);
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(32 * 1024 * 1024);
    },
  );
});

interface EncodingCase {
  encoding: string;
  char: string;
}

describe.skipIf(!hasFeedsCorpus)('decodeBody + parseFeed on the 0x80 encoding matrix', () => {
  it('honours the XML declaration for every charset iconv-lite knows', async () => {
    const { cases } = hasFeedsCorpus
      ? (JSON.parse(readFileSync(corpusFile('_derived/feedparser-x80-encoding-matrix.json'), 'utf8')) as { cases: EncodingCase[] })
      : { cases: [] };
    let checked = 0;
    const wrong: string[] = [];
    for (const { encoding, char } of cases) {
      const codec = /^\d+$/.test(encoding) ? `cp${encoding}` : encoding;
      // EBCDIC and a few Mac aliases are unknown to iconv-lite (and EBCDIC is not ASCII-compatible anyway).
      if (!iconv.encodingExists(codec)) continue;
      const xml = `<?xml version="1.0" encoding="${encoding}"?>\n<feed version="0.3" xmlns="http://purl.org/atom/ns#">\n<title>${char}</title>\n</feed>`;
      const feed = await parseFeed(decodeBody(iconv.encode(xml, codec)), { url: `https://feeds.example/${encoding}` });
      checked++;
      if (feed.title !== char) wrong.push(`${encoding}: ${JSON.stringify(feed.title)} instead of ${char}`);
    }
    console.log(`0x80 matrix: ${checked} of ${cases.length} encodings checked (the rest are unknown to iconv-lite)`);
    expect(checked).toBeGreaterThanOrEqual(90);
    expect(wrong).toEqual([]);
  });
});

describe.skipIf(!hasFeedsCorpus)('robustness sweep over the whole feed corpus', () => {
  it('parses or rejects every file with a DigestError, never hanging', { timeout: 240_000 }, async () => {
    const files = listFeedFiles();
    expect(files.length).toBeGreaterThan(2_000);
    const byCode = new Map<string, number>();
    const escaped: string[] = [];
    let parsed = 0;
    let slowest = { file: '', ms: 0 };
    const started = performance.now();
    for (const file of files) {
      const relative = path.relative(feedsDir, file);
      const fileStarted = performance.now();
      try {
        await parseFeed(decodeBody(readFileSync(file)), { url: `https://feeds.example/${relative}` });
        parsed++;
      } catch (error) {
        if (error instanceof DigestError) byCode.set(error.code, (byCode.get(error.code) ?? 0) + 1);
        else escaped.push(`${relative}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
      }
      const ms = performance.now() - fileStarted;
      if (ms > slowest.ms) slowest = { file: relative, ms };
    }
    const elapsed = performance.now() - started;
    const rejected = files.length - parsed - escaped.length;
    const codes = [...byCode].sort((a, b) => b[1] - a[1]).map(([code, count]) => `${code} ${count}`).join(', ');
    console.log(
      `feed corpus sweep: ${files.length} files, ${parsed} parsed, ${rejected} rejected (${codes}), ` +
        `${Math.round(elapsed)} ms total, slowest ${slowest.file} ${Math.round(slowest.ms)} ms`,
    );
    expect(escaped).toEqual([]);
    // Most of the corpus is real feeds; the rejects are mostly other parsers' expected-output JSON.
    expect(parsed).toBeGreaterThan(1_900);
  });
});
