import { describe, expect, it } from 'vitest';

import { MAX_MARKUP_CHARS } from '../../src/clean/bound-markup.js';
import { countWords } from '../../src/text/plain-text.js';
import { extractArticle, type ExtractedArticle } from '../../src/trim/extract-article.js';
import { badInputs, SENTENCE, type BadInputName } from '../support/bad-input.js';

/**
 * Bad input (issue 3): empty bodies, binary garbage, 10 MB pages, deep nesting, floods of
 * quotation marks, unbalanced quotes. Each must come back with what can honestly be extracted
 * (possibly an empty lede and no quote), never an exception. Results are asserted, not timings
 * (`npm run bench` prints those); the timeout is only there so that a regression to minutes
 * fails instead of hanging.
 */

const S = SENTENCE;
const nothing = { headline: '', lede: '', quote: null, image: null, text: '' };

/** What each input must give, beyond the checks every input gets. */
const expected: Record<BadInputName, (result: ExtractedArticle) => void> = {
  'empty input': (result) => expect(result).toEqual(nothing),
  'empty HTML and text': (result) => expect(result).toEqual(nothing),
  'empty page': (result) => expect(result).toEqual(nothing),
  'empty elements': (result) => expect(result).toEqual(nothing),
  'binary garbage (UTF-8)': (result) => expect(result).toEqual(nothing),
  'binary garbage (Latin-1)': (result) => expect(result).toEqual(nothing),
  'binary garbage in a page': (result) => expect(result).toEqual(nothing),
  'binary garbage as text': (result) => expect(result).toEqual({ ...nothing, headline: 'Upload' }),
  '10 MB page of paragraphs': (result) => {
    expect(result.headline).toBe('Budget approved');
    expect(result.lede).toBe(`${S} ${S} ${S}`);
    expect(result.text.startsWith(`${S} ${S} ${S}\n\n${S}`)).toBe(true);
  },
  '10 MB fragment': (result) => expect(result.lede).toBe(`${S} ${S}`),
  '10 MB paragraph': (result) => expect(result.lede).toBe(`${S} ${S} ${S} …`),
  '10 MB of text': (result) => {
    expect(result.headline).toBe('Budget approved');
    expect(result.lede).toBe(`${S} ${S}`);
  },
  '10 MB of div soup': (result) => {
    expect(result.lede).toBe('');
    expect(result.quote).toBeNull();
  },
  '10 MB of links': (result) => expect(result.lede).toBe(S),
  '10 MB of character references': (result) => {
    expect(result.lede).toBe(S);
    expect(result.text).toContain('&“” &“”');
  },
  '10 MB comment left open': (result) => {
    expect(result.lede).toBe(S);
    expect(result.text).not.toContain('hidden');
  },
  '50,000 nested divs': (result) => expect(result.lede).toBe(S),
  '50,000 unclosed divs': (result) => expect(result.lede).toBe(S),
  '100,000 nested inline tags': (result) => expect(result.lede).toBe(S),
  '5,000 nested tables': (result) => expect(result.lede).toBe(S),
  'a thousand straight quotation marks': (result) => {
    expect(result.lede).toBe(S);
    expect(result.quote).toBeNull();
  },
  'a thousand curly quotation marks': (result) => {
    expect(result.lede).toBe(S);
    expect(result.quote).toBeNull();
  },
  'a thousand short quotations': (result) => expect(result.quote).toBeNull(),
  'a thousand quotation paragraphs': (result) => {
    expect(result.lede).toBe(S);
    expect(result.quote).toEqual({ text: 'We will finish the sea wall before the winter storms arrive, whatever it costs', speaker: 'Jane Doe' });
  },
  'a thousand quotations in one paragraph': (result) => {
    expect(result.quote).toEqual({ text: 'We will finish section 0 of the sea wall before the winter', speaker: 'Jane Doe' });
  },
  'unbalanced curly quotes': (result) => expect(result.lede).toBe(S),
  'unbalanced straight quotes': (result) => expect(result.lede).toBe(S),
  'unbalanced guillemets and low quotes': (result) => expect(result.lede).toBe(S),
  'a closing quote first': (result) => {
    expect(result.lede).toBe(S);
    expect(result.quote).toBeNull();
  },
};

describe('extractArticle on bad input', () => {
  it.each(Object.keys(badInputs) as BadInputName[])('%s: what can be extracted, no exception', (name) => {
    const result = extractArticle(badInputs[name]());
    // Every block is a string of bounded size; a quote is verbatim from the text.
    expect(typeof result.headline).toBe('string');
    expect(result.headline.length).toBeLessThanOrEqual(120);
    expect(countWords(result.lede.replace(/\s*…$/u, ''))).toBeLessThanOrEqual(50);
    expect(result.text.length).toBeLessThanOrEqual(MAX_MARKUP_CHARS);
    if (result.quote) {
      expect(result.text).toContain(result.quote.text);
      expect(result.quote.speaker).not.toBe('');
    }
    expected[name](result);
  }, 60_000);
});
