/**
 * Per-feed filters on the shared feed corpus (issue 14): the time to run a filter set over every
 * item of every feed in ../shared/corpora/feeds, with the patterns on RE2JS (what the digest
 * uses, linear in the text) beside the same patterns on JavaScript's own backtracking RegExp,
 * in alternating rounds of the same process. Then a catastrophic pattern on a 1 MB title, which
 * RE2JS finishes and RegExp would not (shown on 24 characters instead). Prints figures only.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { compileFilters, filterText } from '../src/select/feed-filters.js';
import { compileFilterTerm } from '../src/select/filter-terms.js';
import { parseFeed } from '../src/parse/parse-feed.js';
import type { RawItem } from '../src/types.js';
import { hasFeedsCorpus, listFeedFiles } from '../test/support/corpora.js';

const PATTERNS = ['sponsor(ed)?|advert', 'episode \\d+', '\\b(?:ios|macos)\\b', 'podcast|newsletter', '\\d{4}$', '(?:swift|rust|go)lang'];
const ROUNDS = 7;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

if (!hasFeedsCorpus) {
  console.log('Filters: skipped, ../shared/corpora/feeds is missing');
  process.exit(0);
}
const items: RawItem[] = [];
for (const file of listFeedFiles()) {
  try {
    items.push(...(await parseFeed(readFileSync(file, 'utf8'), { url: 'https://corpus.example/feed' })).items);
  } catch {
    // not a feed
  }
}
const texts = items.map(filterText);
const characters = texts.reduce((n, t) => n + t.headline.length + t.body.length, 0);
console.log(`Filters: ${PATTERNS.length} patterns over ${items.length} items (${(characters / 1e6).toFixed(1)} M characters of headline and text) from the feed corpus, median of ${ROUNDS} rounds`);

const re2 = PATTERNS.map((p) => compileFilterTerm(`/${p}/`));
const list = compileFilters({ exclude: PATTERNS.map((p) => `/${p}/`) })!.exclude;
const native = PATTERNS.map((p) => new RegExp(p, 'iu'));
const words = ['apple', 'new york', 'podcast', 'the'].map(compileFilterTerm);
const times = { re2: [] as number[], list: [] as number[], native: [] as number[], words: [] as number[] };
let agree = true;
for (let round = 0; round < ROUNDS; round++) {
  let start = performance.now();
  const a = texts.map((t) => re2.map((term) => term.test(t.headline) || term.test(t.body)));
  times.re2.push(performance.now() - start);
  start = performance.now();
  const b = texts.map((t) => native.map((term) => term.test(t.headline) || term.test(t.body)));
  times.native.push(performance.now() - start);
  start = performance.now();
  const c = texts.map((t) => (list.find(t.headline) ?? list.find(t.body)) !== undefined);
  times.list.push(performance.now() - start);
  start = performance.now();
  texts.forEach((t) => words.map((term) => term.test(t.headline) || term.test(t.body)));
  times.words.push(performance.now() - start);
  agree &&= JSON.stringify(a) === JSON.stringify(b) && JSON.stringify(c) === JSON.stringify(b.map((row) => row.some(Boolean)));
}
const per = (ms: number) => `${((ms * 1000) / items.length).toFixed(1)} µs per item`;
const ratio = (a: number[], b: number[]) => (median(a) / median(b)).toFixed(1);
console.log(`  RegExp, one by one          ${median(times.native).toFixed(0)} ms (${per(median(times.native))})`);
console.log(`  RE2JS, one by one           ${median(times.re2).toFixed(0)} ms (${per(median(times.re2))}): ${ratio(times.re2, times.native)}× RegExp's time`);
console.log(`  RE2JS, as one exclude list  ${median(times.list).toFixed(0)} ms (${per(median(times.list))}): ${ratio(times.list, times.native)}× RegExp's time (what a run does)`);
console.log(`  same answers from all three: ${agree}`);
console.log(`  4 word terms                ${median(times.words).toFixed(0)} ms (${per(median(times.words))}, built-in RegExp on escaped words)`);

const title = `${'a'.repeat(1_000_000)}!`;
let start = performance.now();
const hostile = compileFilterTerm('/(a+)+$/').test(title);
console.log(`  /(a+)+$/ on a 1 MB title, RE2JS: ${(performance.now() - start).toFixed(0)} ms (match: ${hostile})`);
start = performance.now();
/(a+)+$/.test(`${'a'.repeat(23)}!`);
console.log(`  /(a+)+$/ on 24 characters, RegExp: ${(performance.now() - start).toFixed(0)} ms (doubling with each character added: a 1 MB title would never finish)`);
