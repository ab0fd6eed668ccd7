import { describe, expect, it } from 'vitest';

import { capAtWord, selectHeadline } from '../../src/trim/select-headline.js';

describe('selectHeadline', () => {
  it('removes a site-name suffix after a pipe or dash', () => {
    expect(selectHeadline('Harbour reopens after repairs | Coast Gazette')).toBe('Harbour reopens after repairs');
    expect(selectHeadline('Taylor Swift is allowed to play her music at the AMAs after all - BBC News')).toBe('Taylor Swift is allowed to play her music at the AMAs after all');
    expect(selectHeadline('Republicans Are Following Trump to Nowhere - The New York Times')).toBe('Republicans Are Following Trump to Nowhere');
    expect(selectHeadline('New York State Attorney General reportedly investigating WeWork – TechCrunch')).toBe('New York State Attorney General reportedly investigating WeWork');
    expect(selectHeadline('Big launch planned for Friday — example.com')).toBe('Big launch planned for Friday');
    expect(selectHeadline('New Zealand - Wikipedia')).toBe('New Zealand');
    expect(selectHeadline('Lorem ipsum dolor sit amet – My website')).toBe('Lorem ipsum dolor sit amet');
  });

  it('removes the site name wherever it sits when the site name is known', () => {
    expect(selectHeadline('Coast Gazette | Harbour reopens after repairs', { siteName: 'Coast Gazette' })).toBe('Harbour reopens after repairs');
    expect(selectHeadline('Harbour reopens after repairs - Local News - The Coast Gazette', { siteName: 'Coast Gazette' })).toBe('Harbour reopens after repairs');
    expect(selectHeadline('Harbour reopens after repairs: what the Gazette found', { siteName: 'Coast Gazette' })).toBe('Harbour reopens after repairs: what the Gazette found');
    expect(selectHeadline('Why we left | Medium', { siteName: 'Medium' })).toBe('Why we left');
  });

  it('keeps a segment that reads as part of the headline', () => {
    expect(selectHeadline('Brexit - what happens next for the markets')).toBe('Brexit - what happens next for the markets');
    expect(selectHeadline('Opinion | Republicans Are Following Trump to Nowhere - The New York Times')).toBe('Opinion | Republicans Are Following Trump to Nowhere');
    expect(selectHeadline('Site | Hi')).toBe('Site | Hi');
  });

  it('keeps meaningful kickers', () => {
    expect(selectHeadline('NO DEAL: Trump Says North Korea Wanted 1 Thing He Wasn’t Giving Up')).toBe('NO DEAL: Trump Says North Korea Wanted 1 Thing He Wasn’t Giving Up');
    expect(selectHeadline('BREAKING: Harbour reopens | Coast Gazette')).toBe('BREAKING: Harbour reopens');
  });

  it('decodes entities, strips tags and normalises whitespace', () => {
    expect(selectHeadline('  Rock &amp; Roll <em>is</em>\n back &#8211; again  ')).toBe('Rock & Roll is back – again');
    expect(selectHeadline('AT&amp;amp;T buys &lt;b&gt;Time Warner&lt;/b&gt;')).toBe('AT&T buys <b>Time Warner</b>');
  });

  it('caps at a word boundary with an ellipsis', () => {
    const title = 'The extraordinarily long headline that goes on and on about the harbour, the council, the budget and everything else that happened';
    const capped = selectHeadline(title, { maxLength: 60 });
    expect(capped.length).toBeLessThanOrEqual(60);
    expect(capped.endsWith('…')).toBe(true);
    expect(title.startsWith(capped.slice(0, -1))).toBe(true);
    expect(title[capped.length - 1]).toMatch(/[\s,]/);
    expect(selectHeadline(title).length).toBeLessThanOrEqual(120);
    expect(capAtWord('Short', 120)).toBe('Short');
    expect(capAtWord('Supercalifragilistic', 10)).toBe('Supercali…');
  });
});
