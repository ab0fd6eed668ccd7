import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileFilters, filterReason, filterText } from '../../src/select/feed-filters.js';
import { compileFilterTerm, filterTermProblem } from '../../src/select/filter-terms.js';
import { parseFeed } from '../../src/parse/parse-feed.js';
import type { RawItem } from '../../src/types.js';
import { hasFeedsCorpus, listFeedFiles } from '../support/corpora.js';

const item = (title: string, text = ''): RawItem => ({ title, contentHtml: text });
const reason = (filters: Parameters<typeof compileFilters>[0], it: RawItem) => filterReason(it, compileFilters(filters)!);

describe('filter terms', () => {
  it('matches words as whole words, in any case, in the headline or the text', () => {
    const sport = compileFilterTerm('sport');
    expect(sport.test('Sport: the weekend results')).toBe(true);
    expect(sport.test('SPORT')).toBe(true);
    expect(sport.test('Public transport fares rise')).toBe(false);
    expect(sport.test('sports')).toBe(false);
    expect(sport.test('“sport’s future”')).toBe(true);
    const phrase = compileFilterTerm('premier league');
    expect(phrase.test('The Premier\n  League table')).toBe(true);
    expect(phrase.test('premier leagues')).toBe(false);
    // Letters with diacritics are part of a word.
    expect(compileFilterTerm('café').test('Le Café de Flore')).toBe(true);
    expect(compileFilterTerm('caf').test('Le Café de Flore')).toBe(false);
    // Chinese and Japanese have no spaces between words: the term matches anywhere.
    expect(compileFilterTerm('体育').test('今日体育新闻')).toBe(true);
  });

  it('takes regular characters in words literally', () => {
    expect(compileFilterTerm('c++').test('Why C++ still matters')).toBe(true);
    expect(compileFilterTerm('a.b').test('axb')).toBe(false);
    expect(compileFilterTerm('$5').test('Lunch for $5 today')).toBe(true);
  });

  it('reads /pattern/flags as a pattern, case-insensitive unless it starts with (?-i)', () => {
    expect(compileFilterTerm('/sponsor(ed)?/').test('A SPONSORED post')).toBe(true);
    expect(compileFilterTerm('/^breaking/').test('Breaking: news')).toBe(true);
    expect(compileFilterTerm('/(?-i)NASA/').test('nasa budget')).toBe(false);
    expect(compileFilterTerm('/(?-i)NASA/').test('NASA budget')).toBe(true);
    expect(compileFilterTerm('/^second$/m').test('first\nsecond\nthird')).toBe(true);
    expect(compileFilterTerm('/^second$/').test('first\nsecond\nthird')).toBe(false);
    expect(compileFilterTerm('/a.b/s').test('a\nb')).toBe(true);
    expect(compileFilterTerm('/\\p{Greek}+/').test('λόγος')).toBe(true);
    // Flags copied from JavaScript that mean nothing for a yes/no test are accepted.
    expect(compileFilterTerm('/ad/gi').test('An AD')).toBe(true);
  });

  it('explains patterns it cannot run: unknown flags, bad syntax, look-arounds and back-references', () => {
    expect(filterTermProblem('/x/q')).toMatch(/unknown flag "q"/);
    expect(filterTermProblem('/(unclosed/')).toMatch(/is not a usable pattern: missing closing \)/);
    expect(filterTermProblem('/foo(?=bar)/')).toMatch(/look-ahead, look-behind and back-references are not supported/);
    expect(filterTermProblem('/(a)\\1/')).toMatch(/back-references are not supported/);
    expect(filterTermProblem('fine words')).toBeUndefined();
  });
});

describe('filterReason', () => {
  it('names the exclude term that held a story back', () => {
    expect(reason({ exclude: ['sport', '/sponsor(ed)?/'] }, item('A sponsored message'))).toBe('exclude /sponsor(ed)?/');
    expect(reason({ exclude: ['sport'] }, item('Weather', '<p>After the <b>sport</b> results…</p>'))).toBe('exclude "sport"');
    expect(reason({ exclude: ['sport'] }, item('Weather', 'Sunny'))).toBeUndefined();
  });

  it('holds back a story that matches none of the include terms', () => {
    expect(reason({ include: ['rust', '/wasm/'] }, item('Go 1.30 released'))).toBe('include: none of "rust", /wasm/');
    expect(reason({ include: ['rust', '/wasm/'] }, item('Compiling to WASM'))).toBeUndefined();
    // exclude wins over include
    expect(reason({ include: ['rust'], exclude: ['sponsored'] }, item('Rust (sponsored)'))).toBe('exclude "sponsored"');
  });

  it('counts minWords on the text the feed carries, not the headline, entities decoded', () => {
    const short = item('A very long headline that has many many words in it', '<p>Three&nbsp;short words</p>');
    expect(reason({ minWords: 4 }, short)).toBe('minWords 4: 3 words');
    expect(reason({ minWords: 3 }, short)).toBeUndefined();
    expect(reason({ minWords: 1 }, { title: 'Title only' })).toBe('minWords 1: 0 words');
  });

  it('matches text, not markup: tags and attributes do not count, entities are decoded', () => {
    expect(reason({ exclude: ['href'] }, item('Link', '<a href="https://x.example">here</a>'))).toBeUndefined();
    expect(reason({ exclude: ['AT&T'] }, item('AT&amp;T earnings'))).toBe('exclude "AT&T"');
  });

  it('has no filters to run when none are set', () => {
    expect(compileFilters({})).toBeUndefined();
    expect(compileFilters({ include: [], exclude: [], minWords: 0 })).toBeUndefined();
  });
});

describe('bounded time on hostile text', () => {
  // A backtracking engine takes seconds on (a+)+$ against 30 characters and longer than a
  // lifetime against a megabyte; RE2's is linear. What is asserted is that these finish with
  // the right answer (a hang fails the test by its timeout), not how fast.
  const megabyteTitle = `${'a'.repeat(1_000_000)}!`;

  it('runs a catastrophic pattern on a 1 MB title and finishes with the right answer', () => {
    expect(reason({ exclude: ['/(a+)+$/', '/(a|aa)+$/', '/(.*a){20}x/', '/(\\w+\\s?)+$/'] }, item(megabyteTitle))).toBeUndefined();
    expect(reason({ exclude: ['/(a+)+!$/'] }, item(megabyteTitle))).toBe('exclude /(a+)+!$/');
  });

  it('runs word terms and minWords on a 1 MB title and 1 MB of markup that never closes a tag', () => {
    const body = `${'<'.repeat(500_000)}${'&amp'.repeat(100_000)} sport`;
    expect(reason({ exclude: ['premier league'], minWords: 1 }, item(`${' '.repeat(1_000_000)}premier`, body))).toBeUndefined();
    expect(reason({ exclude: ['sport'] }, item(megabyteTitle, body))).toBe('exclude "sport"');
    expect(filterText(item(megabyteTitle, body)).headline).toHaveLength(1_000_001);
  });
});

describe.skipIf(!hasFeedsCorpus)('filters on the shared feed corpus', () => {
  it('agree with the reference engines on every item of every feed', async () => {
    const items: RawItem[] = [];
    for (const file of listFeedFiles()) {
      try {
        items.push(...(await parseFeed(readFileSync(file, 'utf8'), { url: 'https://corpus.example/feed' })).items);
      } catch {
        // Files that are not feeds: the parse tests cover them.
      }
    }
    expect(items.length).toBeGreaterThan(3000);
    const words = ['apple', 'podcast', 'new york', 'the'].map((word) => ({ word, term: compileFilterTerm(word), wanted: word.split(' ') }));
    const patterns = ['sponsor(ed)?|advert', 'episode \\d+', '^\\s*[a-z]+:', '\\b(?:ios|macos)\\b', '\\d{4}$'].map((pattern) => ({
      pattern,
      term: compileFilterTerm(`/${pattern}/`),
      // These patterns mean the same in JavaScript and in RE2 (ASCII \b, no look-arounds).
      native: new RegExp(pattern, 'i'),
    }));
    const counts = new Map<string, number>();
    const disagreements: string[] = [];
    const tokens = (text: string) => text.toLowerCase().split(/[^\p{L}\p{N}\p{M}_]+/u);
    for (const it of items) {
      const { headline, body } = filterText(it);
      const either = (test: (t: string) => boolean) => test(headline) || test(body);
      for (const { word, term, wanted } of words) {
        // Reference: the words of the headline, or of the text, contain the term's words in order.
        const expected = either((text) => tokens(text).some((_, i, all) => wanted.every((w, j) => all[i + j] === w)));
        if (either(term.test) !== expected) disagreements.push(`${word} in ${it.title}`);
        if (expected) counts.set(word, (counts.get(word) ?? 0) + 1);
      }
      for (const { pattern, term, native } of patterns) {
        const expected = either((t) => native.test(t));
        if (either(term.test) !== expected) disagreements.push(`/${pattern}/ in ${it.title}`);
        if (expected) counts.set(pattern, (counts.get(pattern) ?? 0) + 1);
      }
    }
    expect(disagreements).toEqual([]);
    // Every term matched somewhere, and not everywhere: the comparison tested both answers.
    for (const term of [...words.map((w) => w.word), ...patterns.map((p) => p.pattern)]) {
      expect(counts.get(term) ?? 0, term).toBeGreaterThan(0);
      expect(counts.get(term) ?? 0, term).toBeLessThan(items.length);
    }
  }, 120_000);
});
