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

describe('choosePageTitle: the page’s own heading', () => {
  it('takes the top heading when it tells the same story in other words', () => {
    const titles = {
      readability: 'Prison guards charged in connection with Jeffrey Epstein’s death',
      document: 'Prison guards charged in connection with Jeffrey Epstein’s death',
      headings: ['Two federal prison officers charged with falsifying records in connection with Jeffrey Epstein’s suicide'],
    };
    expect(choosePageTitle(titles)).toBe(titles.headings[0]);
    // A section label in front of the Open Graph title is not shown with the heading.
    expect(choosePageTitle({ readability: 'Opinion | Harbour fees are too high', document: 'Opinion | Harbour fees are too high - Coast Gazette', headings: ['Harbour fees are too high'] })).toBe(
      'Harbour fees are too high',
    );
    // The <title> without its site name, shown as the heading, whatever Open Graph says.
    expect(choosePageTitle({ readability: 'Harbour row seems to be over', document: 'Harbour may reopen after all - Coast Gazette', headings: ['Harbour may reopen after all'] })).toBe(
      'Harbour may reopen after all',
    );
    // A documentation generator's permalink mark is not part of it.
    expect(choosePageTitle({ readability: 'Shared Mutable History — evolve extension', document: 'Evolve: Shared Mutable History — evolve extension', headings: ['Evolve: Shared Mutable History¶'] })).toBe(
      'Evolve: Shared Mutable History',
    );
  });

  it('leaves a heading that is the site’s, or another story’s, alone', () => {
    const story = { readability: 'With shattered dreams, deportees return home', document: 'With shattered dreams, deportees return home | India Post' };
    expect(choosePageTitle({ ...story, headings: ['India Post'] })).toBe(story.readability);
    expect(choosePageTitle({ ...story, headings: ['Coast Gazette'], siteName: 'Coast Gazette' })).toBe(story.readability);
    expect(choosePageTitle({ ...story, headings: ['Markets close higher on trade hopes'] })).toBe(story.readability);
    // One word in common is not the same story.
    expect(choosePageTitle({ readability: 'Minecraft 1.8 - The Bountiful Update', document: 'Minecraft 1.8 - The Bountiful Update', headings: ['Minecraft News'] })).toBe(
      'Minecraft 1.8 - The Bountiful Update',
    );
    // The <title>'s last segment is the site's tagline, even when Readability keeps it.
    const tagline = { readability: 'Shared Mutable History — evolve extension for Mercurial', document: 'Evolve: Shared Mutable History — evolve extension for Mercurial' };
    expect(choosePageTitle({ ...tagline, headings: ['evolve extension for Mercurial', 'Evolve: Shared Mutable History'] })).toBe('Evolve: Shared Mutable History');
    // A heading holding the whole standfirst is not the headline.
    expect(
      choosePageTitle({
        readability: 'Harbour reopens',
        headings: ['Harbour reopens after three years of repairs, the council said on Thursday, with ferries to the islands running again from Monday and fees frozen until spring'],
      }),
    ).toBe('Harbour reopens');
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
