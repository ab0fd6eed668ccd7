import { describe, expect, it } from 'vitest';

import { extractArticle } from '../../src/trim/extract-article.js';
import { selectImage } from '../../src/trim/select-image.js';
import { trimArticle } from '../../src/trim/trim-article.js';
import type { CleanArticle } from '../../src/types.js';

const article: CleanArticle = {
  title: 'Harbour reopens after repairs | Coast Gazette',
  paragraphs: [
    'By Jane Doe',
    'The harbour reopened on Monday after a week of repairs to the sea wall, the port authority said, and the first ferry left at dawn with a full load of passengers.',
    '“We are relieved to have the ferries running again before the summer,” said harbour master Tom Reed.',
  ],
  html: '<p>…</p>',
  image: { url: 'https://coast.example.com/media/harbour.jpg', width: 1200, height: 800 },
  siteName: 'Coast Gazette',
};

describe('trimArticle', () => {
  it('combines headline, lede, quote and image', () => {
    expect(trimArticle(article)).toEqual({
      headline: 'Harbour reopens after repairs',
      lede: article.paragraphs[1],
      quote: { text: 'We are relieved to have the ferries running again before the summer', speaker: 'Tom Reed' },
      image: { url: 'https://coast.example.com/media/harbour.jpg', width: 1200, height: 800 },
    });
  });

  it('shows the quote of a paragraph right after a short first paragraph instead of folding it into the lede', () => {
    const blocks = trimArticle({
      title: 'Bridge reopens',
      paragraphs: [
        'The bridge reopened.',
        '“We waited two years for this day and the whole town came out to see it,” said Maria Lopez, who runs the bakery beside it.',
        'Engineers replaced the central span after the storm of 2022 and tested it for a month before the opening.',
      ],
      html: '',
      image: null,
    });
    expect(blocks.lede).toBe('The bridge reopened.');
    expect(blocks.quote).toEqual({ text: 'We waited two years for this day and the whole town came out to see it', speaker: 'Maria Lopez' });
  });

  it('passes the options through and prefers the feed’s image', () => {
    const blocks = trimArticle(article, { headlineMaxLength: 20, ledeMaxWords: 10, feedImages: [{ url: 'https://cdn.example.com/feed.jpg', width: null, height: null }] });
    expect(blocks.headline).toBe('Harbour reopens…');
    expect(blocks.lede.split(' ')).toHaveLength(10);
    expect(blocks.image?.url).toBe('https://cdn.example.com/feed.jpg');
  });
});

/** An image of unknown size. */
const img = (url: string, width: number | null = null, height: number | null = null) => ({ url, width, height });

describe('selectImage', () => {
  it('takes an absolute http(s) feed image, else the article image, else null', () => {
    expect(selectImage(img('https://a.example/x.jpg'), { feedImages: [img('/y.jpg')], baseUrl: 'https://b.example/post/' })?.url).toBe('https://b.example/y.jpg');
    expect(selectImage(img('https://a.example/x.jpg'), { feedImages: [img('javascript:alert(1)')] })?.url).toBe('https://a.example/x.jpg');
    expect(selectImage(null)).toBeNull();
  });

  it('passes over a feed image that is a pixel, icon or logo by its address', () => {
    expect(selectImage(img('https://a.example/x.jpg'), { feedImages: [img('https://feeds.feedburner.com/~r/site/~4/abc')] })?.url).toBe('https://a.example/x.jpg');
    expect(selectImage(img('https://a.example/x.jpg'), { feedImages: [img('https://b.example/favicon.ico')] })?.url).toBe('https://a.example/x.jpg');
    expect(selectImage(null, { feedImages: [img('https://b.example/logo.png')] })).toBeNull();
  });
});

describe('extractArticle: image order', () => {
  const html = '<!doctype html><html><head><title>Harbour</title><meta property="og:image" content="/og.jpg"></head><body><article><p><img src="/story.jpg" width="800" height="500"></p>' +
    '<p>The harbour reopened on Monday after a week of repairs to the sea wall, and the first ferry left at dawn.</p>'.repeat(4) +
    '</article></body></html>';

  it('feed image (enclosure, media:content, media:thumbnail), then content image, then og:image', () => {
    const url = 'https://coast.example.com/news/harbour';
    expect(extractArticle({ html, url }, { feedImages: [img('https://cdn.example.com/enclosure.jpg')] }).image?.url).toBe('https://cdn.example.com/enclosure.jpg');
    expect(extractArticle({ html, url }).image?.url).toBe('https://coast.example.com/story.jpg');
    expect(extractArticle({ html: html.replace(/<p><img[^>]*><\/p>/, ''), url }).image?.url).toBe('https://coast.example.com/og.jpg');
  });
});
