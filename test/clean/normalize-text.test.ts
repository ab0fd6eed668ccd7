import { describe, expect, it } from 'vitest';

import { decodeHtmlText } from '../../src/clean/decode-html-text.js';
import { countWords, decodeEntities, leadingWords, normalizeText } from '../../src/text/plain-text.js';

describe('normalizeText', () => {
  it('collapses every kind of space and drops invisible characters, keeping typography', () => {
    expect(normalizeText('  A\u00a0“quote”\u2009—\u200bdash\u00ad…\n\tend  ')).toBe('A “quote” —dash… end');
  });
});

describe('decodeHtmlText', () => {
  it('decodes entities, strips tags and scripts', () => {
    expect(decodeHtmlText('Tom &amp; Jerry&#8217;s <b>big</b> day<script>alert(1)</script>')).toBe('Tom & Jerry’s big day');
  });

  it('decodes double-escaped entities but keeps escaped tags as text', () => {
    expect(decodeHtmlText('Don&amp;#8217;t')).toBe('Don’t');
    expect(decodeHtmlText('Use &lt;b&gt; for bold')).toBe('Use <b> for bold');
  });

  it('leaves plain text alone', () => {
    expect(decodeHtmlText('AT&T 3 < 4')).toBe('AT&T 3 < 4');
  });
});

describe('decodeEntities', () => {
  it('decodes character references and keeps line breaks and tag-like text', () => {
    expect(decodeEntities('a &amp; b\n\n<c> &hellip;')).toBe('a & b\n\n<c> …');
    expect(decodeEntities('no entities')).toBe('no entities');
  });
});

describe('countWords and leadingWords', () => {
  it('count space-separated words', () => {
    expect(countWords('  The harbour   reopened. ')).toBe(3);
    expect(countWords('')).toBe(0);
    expect(leadingWords('The harbour reopened on Monday', 3)).toBe('The harbour reopened');
    expect(leadingWords('Short', 3)).toBe('Short');
  });

  it('count Chinese and Japanese, written without spaces, at two characters a word', () => {
    expect(countWords('商標法違反の疑い')).toBe(4);
    expect(countWords('不正に改造したiPhoneを販売した')).toBe(7);
    expect(countWords('宇航员在太空中喝酒会怎么样？')).toBe(7);
    expect(leadingWords('商標法違反の疑いで逮捕された', 4)).toBe('商標法違反の疑い');
    // A spaced word inside the text is not cut in two.
    expect(leadingWords('改造したiPhoneを販売', 2)).toBe('改造した');
    expect(leadingWords('改造したiPhoneを販売', 3)).toBe('改造したiPhone');
    expect(leadingWords('𠮷野家の牛丼', 1)).toBe('𠮷野');
  });
});
