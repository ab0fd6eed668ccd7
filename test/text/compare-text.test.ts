import { describe, expect, it } from 'vitest';
import { comparableText, siteNameKey } from '../../src/text/compare-text.js';
import { splitTitle, titleBeforeLastSeparator, titleSegments } from '../../src/text/title-parts.js';

describe('comparableText', () => {
  it('reduces a phrase to lower-case words and digits with single spaces', () => {
    expect(comparableText('  The Day’s News!  (Part 2) ')).toBe('the day s news part 2');
    expect(comparableText('Ünïcode — Straße')).toBe('ünïcode straße');
  });

  it('drops zero-width characters instead of splitting a word at them', () => {
    expect(comparableText('head\u200bline')).toBe('headline');
  });

  it('is empty for punctuation only', () => {
    expect(comparableText(' — | … ')).toBe('');
  });
});

describe('siteNameKey', () => {
  it('matches a site name however the title writes it', () => {
    expect(siteNameKey('The Coast Gazette')).toBe('coastgazette');
    expect(siteNameKey('coastgazette.com')).toBe('coastgazette');
    expect(siteNameKey('www.coastgazette.co.uk')).toBe('coastgazette');
  });
});

describe('title parts', () => {
  it('splits at spaced pipes, dashes, bullets and guillemets, not at colons or bare hyphens', () => {
    expect(titleSegments('NO DEAL: Trump walks away | World | The Desk')).toEqual(['NO DEAL: Trump walks away', 'World', 'The Desk']);
    expect(titleSegments('Well-known place – Travel · Site')).toEqual(['Well-known place', 'Travel', 'Site']);
    expect(titleSegments('Just a headline')).toEqual(['Just a headline']);
  });

  it('keeps the separators between the parts', () => {
    expect(splitTitle('A | B — C')).toEqual({ parts: ['A', 'B', 'C'], separators: [' | ', ' — '] });
  });

  it('gives the title before its last separator', () => {
    expect(titleBeforeLastSeparator('Story | Section | Site')).toBe('Story | Section');
    expect(titleBeforeLastSeparator('Story')).toBeUndefined();
  });

  it('gives the same answer when called again (no shared regex state)', () => {
    const title = 'One | Two | Three';
    expect(splitTitle(title)).toEqual(splitTitle(title));
    expect(titleBeforeLastSeparator(title)).toBe(titleBeforeLastSeparator(title));
  });
});
