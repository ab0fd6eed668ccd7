import { describe, expect, it } from 'vitest';
import { canonicalUrl, itemId, titleKey } from '../../src/select/item-id.js';

describe('canonicalUrl', () => {
  it('folds scheme and www, drops tracking parameters, fragments and trailing slashes', () => {
    expect(canonicalUrl('http://www.Example.com/a/b/?utm_source=rss&utm_medium=feed&id=3#comments')).toBe('example.com/a/b?id=3');
    expect(canonicalUrl('https://example.com/a/b?id=3')).toBe('example.com/a/b?id=3');
    expect(canonicalUrl('https://example.com:443/x?b=2&a=1&fbclid=zz&gclid=1')).toBe('example.com/x?a=1&b=2');
    expect(canonicalUrl('https://example.com:8443/x')).toBe('example.com:8443/x');
  });

  it('returns undefined for what is not an absolute web URL', () => {
    expect(canonicalUrl(undefined)).toBeUndefined();
    expect(canonicalUrl('/relative/path')).toBeUndefined();
    expect(canonicalUrl('mailto:a@example.com')).toBeUndefined();
  });
});

describe('itemId', () => {
  const feed = 'https://example.com/feed.xml';

  it('prefers the guid, scoped to the feed', () => {
    const a = itemId({ guid: 'post-1', link: 'https://example.com/a' }, feed);
    expect(a).toMatch(/^guid:/);
    expect(itemId({ guid: 'post-1', link: 'https://example.com/CHANGED' }, feed)).toBe(a);
    expect(itemId({ guid: 'post-1' }, 'https://other.example/feed')).not.toBe(a);
  });

  it('distrusts a guid that is only the feed or home page address, and uses the canonical link', () => {
    const byLink = itemId({ link: 'https://www.example.com/story?utm_source=x' }, feed);
    expect(byLink).toMatch(/^url:/);
    expect(itemId({ guid: feed, link: 'http://example.com/story' }, feed)).toBe(byLink);
    expect(itemId({ guid: 'https://example.com/', link: 'https://example.com/story#top' }, feed)).toBe(byLink);
  });

  it('falls back to a content hash when there is neither guid nor link', () => {
    const a = itemId({ title: 'Hello', contentHtml: '<p>x</p>' }, feed);
    expect(a).toMatch(/^hash:/);
    expect(itemId({ title: 'Hello', contentHtml: '<p>x</p>' }, feed)).toBe(a);
    expect(itemId({ title: 'Hello', contentHtml: '<p>y</p>' }, feed)).not.toBe(a);
  });
});

describe('titleKey', () => {
  it('ignores case, punctuation, tags and entities', () => {
    expect(titleKey('<b>Port</b> strike ends &amp; workers — “accept” raise!')).toBe(titleKey('port strike ends workers accept raise'));
  });
});
