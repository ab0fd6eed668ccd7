import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { describe, expect, it } from 'vitest';

import { ParseError } from '../../src/errors.js';
import { parseFeed } from '../../src/parse/parse-feed.js';

const URL_ = 'https://example.com/blog/feed.xml';

async function rejection(promise: Promise<unknown>): Promise<ParseError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ParseError);
    return error as ParseError;
  }
  throw new Error('expected parseFeed to fail');
}

describe('parseFeed: RSS', () => {
  const rss = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/"
     xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>Example &amp; Co</title>
    <link>https://example.com/</link>
    <description>News from the example</description>
    <atom:link href="https://example.com/blog/feed.xml" rel="self" type="application/rss+xml"/>
    <lastBuildDate>Tue, 10 Jun 2003 09:41:01 GMT</lastBuildDate>
    <item>
      <title>First &lt;em&gt;post&lt;/em&gt;</title>
      <link>/posts/1</link>
      <guid isPermaLink="false">post-1</guid>
      <description><![CDATA[<p>Teaser with <a href="more">a link</a></p>]]></description>
      <content:encoded><![CDATA[<p>Full text</p>]]></content:encoded>
      <pubDate>Tue, 03 Jun 2003 09:39:21 GMT</pubDate>
      <dc:creator>Jane Doe</dc:creator>
      <category>news</category>
      <category domain="x">tech</category>
      <category>news</category>
      <media:content url="https://cdn.example.com/a.mp4" type="video/mp4"/>
      <media:content url="/img/a.jpg" medium="image"/>
    </item>
    <item>
      <title>Second</title>
      <guid>https://example.com/posts/2</guid>
      <pubDate>not a date at all</pubDate>
      <author>editor@example.com (Ed Itor)</author>
      <enclosure url="https://cdn.example.com/b.png" type="image/png" length="1"/>
    </item>
    <item>
      <title>Third</title>
      <link>https://example.com/posts/3</link>
      <media:thumbnail url="https://cdn.example.com/thumb.jpg"/>
    </item>
  </channel>
</rss>`;

  it('maps channel and items into RawItem', async () => {
    const feed = await parseFeed(rss, { url: URL_ });
    expect(feed).toMatchObject({
      format: 'rss',
      title: 'Example & Co',
      link: 'https://example.com/',
      description: 'News from the example',
      feedUrl: 'https://example.com/blog/feed.xml',
      updated: new Date('2003-06-10T09:41:01Z'),
    });
    expect(feed.items).toHaveLength(3);
    expect(feed.items[0]).toEqual({
      guid: 'post-1',
      title: 'First post',
      link: 'https://example.com/posts/1',
      contentHtml: '<p>Full text</p>',
      summary: '<p>Teaser with <a href="more">a link</a></p>',
      published: new Date('2003-06-03T09:39:21Z'),
      author: 'Jane Doe',
      images: [{ url: 'https://example.com/img/a.jpg', width: null, height: null }],
      enclosure: { url: 'https://cdn.example.com/a.mp4', type: 'video/mp4' },
      categories: ['news', 'tech'],
      baseUrl: URL_,
    });
  });

  it('uses a permalink guid as the link, keeps bad dates out, reads enclosures and thumbnails', async () => {
    const [, second, third] = (await parseFeed(rss, { url: URL_ })).items;
    expect(second).toMatchObject({ link: 'https://example.com/posts/2', author: 'Ed Itor', images: [{ url: 'https://cdn.example.com/b.png', width: null, height: null }] });
    expect(second).not.toHaveProperty('published');
    expect(third?.images?.map((image) => image.url)).toEqual(['https://cdn.example.com/thumb.jpg']);
  });

  it('reads RSS 1.0 (RDF) and RSS 0.91 with its Netscape DOCTYPE', async () => {
    const rdf = await parseFeed(
      `<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://example.org/"><title>RDF site</title><link>https://example.org/</link></channel>
  <item rdf:about="https://example.org/a"><title>A</title><link>https://example.org/a</link><dc:date>2004-01-02T03:04:05Z</dc:date><dc:subject>topic</dc:subject></item>
</rdf:RDF>`,
      { url: 'https://example.org/index.rdf' },
    );
    expect(rdf).toMatchObject({ format: 'rdf', title: 'RDF site' });
    expect(rdf.items[0]).toMatchObject({ guid: 'https://example.org/a', link: 'https://example.org/a', published: new Date('2004-01-02T03:04:05Z'), categories: ['topic'] });

    const rss091 = await parseFeed(
      `<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Old &eacute;cole</title><item><title>Item</title><link>http://example.net/1</link></item></channel></rss>`,
      { url: 'http://example.net/rss' },
    );
    expect(rss091).toMatchObject({ format: 'rss', title: 'Old école', items: [{ title: 'Item', link: 'http://example.net/1' }] });
  });

  it('treats an <rss> without a channel as an empty feed', async () => {
    expect(await parseFeed('<rss version="2.0"></rss>', { url: URL_ })).toEqual({ format: 'rss', items: [] });
  });

  it('recovers from stray ampersands and unknown entities', async () => {
    const feed = await parseFeed(
      '<rss version="2.0"><channel><title>AT&T news</title><item><title>Q&A &foo; &#0;</title><link>https://example.com/?a=1&b=2</link></item></channel></rss>',
      { url: URL_ },
    );
    expect(feed.title).toBe('AT&T news');
    // &#0; names a control character: it is removed with the controls (issue 10).
    expect(feed.items[0]).toMatchObject({ title: 'Q&A &foo;', link: 'https://example.com/?a=1&b=2' });
  });

  it('drops javascript: links and unsafe xml:base', async () => {
    const feed = await parseFeed(
      '<rss version="2.0"><channel xml:base="javascript:alert(1)//"><item><title>x</title><link>javascript:alert(1)</link></item><item><title>y</title><link>rel</link></item></channel></rss>',
      { url: URL_ },
    );
    expect(feed.items[0]).not.toHaveProperty('link');
    expect(feed.items[1]?.link).toBe('https://example.com/blog/rel');
  });
});

describe('parseFeed: Atom', () => {
  const atom = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://example.org/base/">
  <title type="text">Atom example</title>
  <subtitle>All the news</subtitle>
  <link rel="self" href="/feed.atom"/>
  <link rel="alternate" type="text/html" href="./"/>
  <updated>2005-07-31T12:29:29Z</updated>
  <author><name>Feed Author</name></author>
  <entry xml:base="entries/">
    <id>tag:example.org,2003:3.2397</id>
    <title type="html">Atom draft &lt;b&gt;equipped&lt;/b&gt;</title>
    <link rel="alternate" type="text/html" href="2005/04/02/atom"/>
    <link rel="enclosure" type="image/jpeg" href="/img/photo.jpg"/>
    <updated>2005-07-31T12:29:29Z</updated>
    <published>2003-12-13T08:29:29-04:00</published>
    <category term="tech" label="Technology"/>
    <content type="xhtml" xml:base="https://other.example/content/">
      <div xmlns="http://www.w3.org/1999/xhtml"><p>Hello <em>mixed</em> text &amp; <a href="x.html">more</a>!</p></div>
    </content>
    <summary>Plain text with &lt;brackets&gt; &amp; more</summary>
  </entry>
  <entry>
    <id>https://example.org/entries/plain</id>
    <title>Plain</title>
    <published>someday</published>
    <updated>2006-01-01T00:00:00Z</updated>
    <content>Just text</content>
  </entry>
</feed>`;

  it('maps feed and entries, resolving xml:base', async () => {
    const feed = await parseFeed(atom, { url: 'https://example.org/feed.atom' });
    expect(feed).toMatchObject({
      format: 'atom',
      title: 'Atom example',
      description: 'All the news',
      link: 'https://example.org/base/',
      updated: new Date('2005-07-31T12:29:29Z'),
    });
    expect(feed.items[0]).toEqual({
      guid: 'tag:example.org,2003:3.2397',
      title: 'Atom draft equipped',
      link: 'https://example.org/base/entries/2005/04/02/atom',
      contentHtml: '<p>Hello <em>mixed</em> text &amp; <a href="x.html">more</a>!</p>',
      summary: '<p>Plain text with &lt;brackets&gt; &amp; more</p>',
      published: new Date('2003-12-13T12:29:29Z'),
      updated: new Date('2005-07-31T12:29:29Z'),
      author: 'Feed Author',
      images: [{ url: 'https://example.org/img/photo.jpg', width: null, height: null }],
      categories: ['Technology'],
      baseUrl: 'https://other.example/content/',
    });
  });

  it('survives an invalid date (rss-parser alone throws), falls back to updated, keeps text content as text', async () => {
    const plain = (await parseFeed(atom, { url: 'https://example.org/feed.atom' })).items[1];
    expect(plain).toMatchObject({
      title: 'Plain',
      link: 'https://example.org/entries/plain',
      contentText: 'Just text',
      published: new Date('2006-01-01T00:00:00Z'),
    });
    expect(plain).not.toHaveProperty('contentHtml');
  });

  it('reads Atom with a non-default namespace prefix, and Atom 0.3', async () => {
    const prefixed = await parseFeed(
      '<a:feed xmlns:a="http://www.w3.org/2005/Atom"><a:title>NS</a:title><a:entry><a:id>1</a:id><a:title>T</a:title><a:link href="https://x.example/1"/></a:entry></a:feed>',
      { url: URL_ },
    );
    expect(prefixed).toMatchObject({ format: 'atom', title: 'NS', items: [{ guid: '1', title: 'T', link: 'https://x.example/1' }] });

    const atom03 = await parseFeed(
      `<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>Old Atom</title>
        <entry><title>E</title><link rel="alternate" type="text/html" href="http://example.com/e"/>
        <issued>2004-01-01T00:00:00Z</issued><modified>2004-01-02T00:00:00Z</modified>
        <content type="text/html" mode="escaped">&lt;p&gt;Hi&lt;/p&gt;</content>
        <summary type="text/html" mode="base64">PGI+Ym9sZDwvYj4=</summary></entry></feed>`,
      { url: URL_ },
    );
    expect(atom03.items[0]).toMatchObject({
      title: 'E',
      link: 'http://example.com/e',
      published: new Date('2004-01-01T00:00:00Z'),
      updated: new Date('2004-01-02T00:00:00Z'),
      contentHtml: '<p>Hi</p>',
      summary: '<b>bold</b>',
    });
  });
});

describe('parseFeed: JSON Feed', () => {
  it('reads JSON Feed 1.1', async () => {
    const feed = await parseFeed(
      JSON.stringify({
        version: 'https://jsonfeed.org/version/1.1',
        title: 'JSON example',
        home_page_url: 'https://example.com/',
        feed_url: 'https://example.com/feed.json',
        authors: [{ name: 'Feed Author' }],
        items: [
          {
            id: 'a1',
            url: '/posts/a1',
            title: 'Hello',
            content_html: '<p>Hi</p>',
            summary: 'Short & sweet',
            image: 'img/a1.png',
            date_published: '2020-01-02T03:04:05+01:00',
            date_modified: 'garbage',
            tags: ['x', 'y', 'x'],
            authors: [{ name: 'A' }, { name: 'B' }],
          },
          { id: 2, external_url: 'https://elsewhere.example/', content_text: 'Text only', banner_image: 'https://example.com/banner.png' },
        ],
      }),
      { url: 'https://example.com/feed.json' },
    );
    expect(feed).toMatchObject({ format: 'json', title: 'JSON example', link: 'https://example.com/', feedUrl: 'https://example.com/feed.json' });
    expect(feed.items[0]).toEqual({
      guid: 'a1',
      link: 'https://example.com/posts/a1',
      title: 'Hello',
      contentHtml: '<p>Hi</p>',
      summary: '<p>Short &amp; sweet</p>',
      published: new Date('2020-01-02T02:04:05Z'),
      author: 'A, B',
      images: [{ url: 'https://example.com/img/a1.png', width: null, height: null }],
      categories: ['x', 'y'],
      baseUrl: 'https://example.com/feed.json',
    });
    expect(feed.items[1]).toMatchObject({ guid: '2', link: 'https://elsewhere.example/', contentText: 'Text only', author: 'Feed Author', images: [{ url: 'https://example.com/banner.png', width: null, height: null }] });
  });

  it('reads JSON Feed 1.0 with a single author object and a BOM', async () => {
    const feed = await parseFeed(
      '\ufeff' + JSON.stringify({ version: 'https://jsonfeed.org/version/1', title: 'One', author: { name: 'Solo' }, items: [{ id: '1', url: 'https://x.example/1', content_text: 't' }] }),
      { url: 'https://x.example/feed.json' },
    );
    expect(feed.items[0]).toMatchObject({ author: 'Solo', link: 'https://x.example/1' });
  });

  it('rejects other JSON and broken JSON', async () => {
    const other = await rejection(parseFeed('{"data": [1, 2, 3]}', { url: 'https://api.example/x' }));
    expect(other.code).toBe('PARSE_NOT_A_FEED');
    expect(other.message).toContain('https://api.example/x');
    const broken = await rejection(parseFeed('{\n  "version": "https://jsonfeed.org/version/1.1",\n  "items": [\n', { url: URL_ }));
    expect(broken.code).toBe('PARSE_MALFORMED');
    expect(broken.context.line).toBeGreaterThanOrEqual(3);
  });
});

describe('parseFeed: not a feed', () => {
  it('names the feeds an HTML page links to', async () => {
    const html = `<!DOCTYPE html><html><head><title>Blog</title>
      <link rel="alternate" type="application/rss+xml" href="/feed.xml">
      <link rel="alternate" type="application/atom+xml" href="https://example.com/atom.xml"></head><body>Hi</body></html>`;
    const error = await rejection(parseFeed(html, { url: 'https://example.com/blog/' }));
    expect(error.code).toBe('PARSE_HTML_NOT_FEED');
    expect(error.message).toContain('https://example.com/blog/');
    expect(error.message).toContain('https://example.com/feed.xml');
    expect(error.hint).toContain('https://example.com/atom.xml');
    expect(error.context.feeds).toEqual([
      { url: 'https://example.com/feed.xml', type: 'application/rss+xml' },
      { url: 'https://example.com/atom.xml', type: 'application/atom+xml' },
    ]);
  });

  it('says so when an HTML page links to no feed', async () => {
    const error = await rejection(parseFeed('<html><body>nothing</body></html>', { url: URL_ }));
    expect(error.code).toBe('PARSE_HTML_NOT_FEED');
    expect(error.hint).toMatch(/RSS or Atom link/);
  });

  it.each(['', '   \n\t ', '\ufeff'])('rejects empty text %j with PARSE_EMPTY', async (text) => {
    const error = await rejection(parseFeed(text, { url: URL_ }));
    expect(error.code).toBe('PARSE_EMPTY');
    expect(error.message).toContain(URL_);
    expect(error.hint).toBeTruthy();
  });

  it('rejects binary data and plain text with PARSE_NOT_A_FEED', async () => {
    const binary = String.fromCharCode(0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03) + 'xyz';
    expect((await rejection(parseFeed(binary, { url: URL_ }))).code).toBe('PARSE_NOT_A_FEED');
    expect((await rejection(parseFeed('Hello, this is text.', { url: URL_ }))).code).toBe('PARSE_NOT_A_FEED');
    expect((await rejection(parseFeed('<note><to>x</to></note>', { url: URL_ }))).code).toBe('PARSE_NOT_A_FEED');
    const opml = await rejection(parseFeed('<?xml version="1.0"?><opml version="2.0"><body/></opml>', { url: URL_ }));
    expect(opml.code).toBe('PARSE_NOT_A_FEED');
    expect(opml.hint).toMatch(/xmlUrl/);
  });

  it('reports truncated XML as PARSE_MALFORMED with its line', async () => {
    const truncated = '<?xml version="1.0"?>\n<rss version="2.0">\n<channel>\n<title>Cut</title>\n<item><title>Half';
    const error = await rejection(parseFeed(truncated, { url: URL_ }));
    expect(error.code).toBe('PARSE_MALFORMED');
    expect(error.context.line).toBe(5);
    expect(error.message).toMatch(/line 5/);

    const mismatched = await rejection(parseFeed('<rss version="2.0">\n<channel>\n</item>\n</rss>', { url: URL_ }));
    expect(mismatched).toMatchObject({ code: 'PARSE_MALFORMED', context: { line: 3 } });
  });

  it('repairs only a root end tag missing its ">"', async () => {
    const feed = await parseFeed('<rss version="2.0"><channel><title>Almost</title></channel></rss', { url: URL_ });
    expect(feed.title).toBe('Almost');
  });
});

describe('parseFeed: hostile XML', () => {
  it('refuses billion laughs fast', async () => {
    const levels = ['<!ENTITY lol "lol">'];
    for (let i = 2; i <= 9; i++) levels.push(`<!ENTITY lol${i} "${`&lol${i === 2 ? '' : i - 1};`.repeat(10)}">`);
    const bomb = `<?xml version="1.0"?>\n<!DOCTYPE rss [\n${levels.join('\n')}\n]>\n<rss version="2.0"><channel><title>&lol9;</title></channel></rss>`;
    // Refused before any expansion: the test's timeout is the hang guard; speed is benchmarked, not asserted.
    const error = await rejection(parseFeed(bomb, { url: URL_ }));
    expect(error.code).toBe('PARSE_ENTITY_BOMB');
    expect(error.message).toContain(URL_);
  });

  it('refuses a quadratic blow-up', async () => {
    const big = 'A'.repeat(10_000);
    const bomb = `<!DOCTYPE rss [<!ENTITY a "${big}">]><rss version="2.0"><channel><title>${'&a;'.repeat(1_000)}</title></channel></rss>`;
    expect((await rejection(parseFeed(bomb, { url: URL_ }))).code).toBe('PARSE_ENTITY_BOMB');
  });

  it('expands a small, flat internal entity', async () => {
    const feed = await parseFeed(
      '<!DOCTYPE rss [\n  <!ENTITY id "tag:example.com,">\n]>\n<rss version="2.0"><channel><item><guid isPermaLink="false">&id;2006:/blog/</guid></item></channel></rss>',
      { url: URL_ },
    );
    expect(feed.items[0]?.guid).toBe('tag:example.com,2006:/blog/');
  });

  // A quadratic scanner would take hours on these; the test's timeout is the hang guard.
  it('finishes on hostile shapes built to make scanners quadratic', { timeout: 120_000 }, async () => {
    const hostile = [
      `<feed xmlns="http://www.w3.org/2005/Atom">${'<content type="xhtml">'.repeat(50_000)}`,
      `<feed xmlns="http://www.w3.org/2005/Atom"><entry>${'<title type="xhtml" '.repeat(50_000)}`,
      `<!DOCTYPE rss [${'<!ENTITY a SYSTEM "x" '.repeat(100_000)}]><rss/>`,
      `<!DOCTYPE rss [${'<!ENTITY a "<!--"> '.repeat(50)}]><rss version="2.0"><channel><title>&a;</title></channel></rss>`,
      `<rss version="2.0"><channel><title>${'&amp'.repeat(200_000)}</title></channel></rss>`,
    ];
    for (const text of hostile) {
      await parseFeed(text, { url: URL_ }).catch((error: unknown) => {
        expect(error).toBeInstanceOf(ParseError);
      });
    }
  });

  it('never fetches external entities or DTDs', async () => {
    let hits = 0;
    const server = http.createServer((req, res) => {
      hits++;
      res.end('<!ENTITY x "fetched">');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const feed = await parseFeed(
        `<!DOCTYPE rss SYSTEM "${origin}/rss.dtd" [
          <!ENTITY secret SYSTEM "${origin}/secret">
          <!ENTITY % remote SYSTEM "${origin}/remote.dtd">
          %remote;
        ]>
        <rss version="2.0"><channel><title>t[&secret;]</title></channel></rss>`,
        { url: URL_ },
      );
      expect(feed.title).toBe('t[]');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(hits).toBe(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
