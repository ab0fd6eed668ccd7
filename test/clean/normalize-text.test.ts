import { describe, expect, it } from 'vitest';

import { decodeEntities, decodeHtmlText, normalizeText } from '../../src/clean/normalize-text.js';

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
