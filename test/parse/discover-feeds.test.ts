import { describe, expect, it } from 'vitest';

import { discoverFeeds } from '../../src/parse/discover-feeds.js';

describe('discoverFeeds', () => {
  it('finds RSS, Atom and JSON Feed links and makes them absolute', () => {
    const html = `<!doctype html><html><head>
      <link rel="stylesheet" href="/style.css">
      <link rel="alternate" type="application/rss+xml" title="Posts &amp; news" href="/feed.xml">
      <LINK REL="Alternate" TYPE="application/atom+xml" HREF="atom.xml">
      <link rel=alternate type=application/feed+json href=https://cdn.example.net/feed.json title=JSON>
      <link rel="alternate" type="application/rss+xml" href="/feed.xml">
      <link rel="alternate" hreflang="de" href="/de/">
    </head><body></body></html>`;
    expect(discoverFeeds(html, 'https://example.com/blog/post.html')).toEqual([
      { url: 'https://example.com/feed.xml', type: 'application/rss+xml', title: 'Posts & news' },
      { url: 'https://example.com/blog/atom.xml', type: 'application/atom+xml' },
      { url: 'https://cdn.example.net/feed.json', type: 'application/feed+json', title: 'JSON' },
    ]);
  });

  it('honours <base href> and ignores links in comments and scripts', () => {
    const html = `<head><base href="https://static.example.org/site/">
      <!-- <link rel="alternate" type="application/rss+xml" href="/commented.xml"> -->
      <script>document.write('<link rel="alternate" type="application/rss+xml" href="/scripted.xml">')</script>
      <link rel="alternate" type="application/rss+xml" href="rss">`;
    expect(discoverFeeds(html, 'https://example.com/').map((feed) => feed.url)).toEqual(['https://static.example.org/site/rss']);
  });

  it('drops javascript: and file: links and returns nothing for pages without feeds', () => {
    expect(discoverFeeds('<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">', 'https://example.com/')).toEqual([]);
    expect(discoverFeeds('<link rel="alternate" type="application/rss+xml" href="file:///etc/passwd">', 'https://example.com/')).toEqual([]);
    // Not even on a page read from a local file: a relative link there is a file too.
    expect(discoverFeeds('<link rel="alternate" type="application/rss+xml" href="feed.xml">', 'file:///srv/site/index.html')).toEqual([]);
    expect(discoverFeeds('<html><body>No feeds here</body></html>', 'https://example.com/')).toEqual([]);
  });

  // A quadratic scanner needs hours on these (about 10^11 steps); a linear one well under a second.
  // The test's timeout is the hang guard: no wall-clock assertion, which a busy machine would break.
  it('stays linear on unclosed scripts, comments and tags', { timeout: 120_000 }, () => {
    for (const hostile of ['<script>'.repeat(50_000) + '<!--'.repeat(50_000), '<link rel=alternate '.repeat(50_000), '<base href=x '.repeat(50_000)]) {
      expect(discoverFeeds(hostile, 'https://example.com/')).toEqual([]);
    }
  });
});
