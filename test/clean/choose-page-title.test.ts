import { describe, expect, it } from 'vitest';

import { choosePageTitle } from '../../src/clean/choose-page-title.js';
import { cleanArticle } from '../../src/clean/clean-article.js';

describe('choosePageTitle', () => {
  it('takes Readability’s title when the page agrees with it', () => {
    expect(choosePageTitle({ readability: 'Harbour reopens', document: 'Harbour reopens | Coast Gazette', headings: ['Harbour reopens'] })).toBe('Harbour reopens');
    expect(choosePageTitle({ document: 'Harbour reopens' })).toBe('Harbour reopens');
    expect(choosePageTitle({})).toBeUndefined();
  });

  it('keeps a kicker Readability cut when the page’s heading shows it, or when it is in capitals', () => {
    const titles = { readability: 'Shared Mutable History', document: 'Evolve: Shared Mutable History' };
    expect(choosePageTitle({ ...titles, headings: ['Evolve: Shared Mutable History¶'] })).toBe('Evolve: Shared Mutable History');
    expect(choosePageTitle({ readability: 'Trump Says North Korea Wanted 1 Thing', document: 'NO DEAL: Trump Says North Korea Wanted 1 Thing' })).toBe(
      'NO DEAL: Trump Says North Korea Wanted 1 Thing',
    );
  });

  it('leaves a site name in front of the colon out', () => {
    const titles = { readability: 'Seeking a bigger role for a big rocket', document: 'The Space Review: Seeking a bigger role for a big rocket' };
    expect(choosePageTitle({ ...titles, headings: ['Seeking a bigger role for a big rocket'] })).toBe('Seeking a bigger role for a big rocket');
    expect(choosePageTitle({ ...titles, headings: ['The Space Review'] })).toBe('Seeking a bigger role for a big rocket');
    expect(choosePageTitle({ readability: 'Harbour reopens', document: 'CGZ: Harbour reopens', siteName: 'CGZ' })).toBe('Harbour reopens');
    // A capital kicker the heading leaves out is not shown to the reader either.
    expect(choosePageTitle({ readability: 'Harbour reopens', document: 'CGZ: Harbour reopens', headings: ['Harbour reopens'] })).toBe('Harbour reopens');
  });

  it('prefers the <title> its top heading repeats over an Open Graph title the page does not show', () => {
    const titles = { readability: 'Yahoo News - Latest News & Headlines', document: 'Russia: Space ship malfunctions, breaks up over Siberia' };
    expect(choosePageTitle({ ...titles, headings: ['Russia: Space ship malfunctions, breaks up over Siberia'] })).toBe(titles.document);
    expect(choosePageTitle({ ...titles, headings: [] })).toBe(titles.readability);
    // Both shown: Readability's choice stands.
    expect(choosePageTitle({ ...titles, headings: [titles.document, titles.readability] })).toBe(titles.readability);
  });
});

describe('cleanArticle: page titles', () => {
  const body = '<p>The talks in Hanoi ended early on Thursday, without the agreement both sides had said was within reach, officials said.</p>'.repeat(4);

  it('keeps a capital kicker of the page’s <title>', () => {
    const html = `<!doctype html><html><head><title>NO DEAL: Trump Says North Korea Wanted 1 Thing He Wasn’t Giving Up</title></head><body><article>${body}</article></body></html>`;
    expect(cleanArticle({ html }).title).toBe('NO DEAL: Trump Says North Korea Wanted 1 Thing He Wasn’t Giving Up');
  });

  it('takes the headline the page shows over a slogan in og:title', () => {
    const html = `<!doctype html><html><head><title>Talks end without a deal</title><meta property="og:title" content="Daily News - The Latest Headlines"></head><body><article><h1>Talks end without a deal</h1>${body}</article></body></html>`;
    expect(cleanArticle({ html }).title).toBe('Talks end without a deal');
  });
});
