import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { cleanArticle, parseTextArticle, type ArticleInput } from '../../src/clean/clean-article.js';
import { extractArticle } from '../../src/trim/extract-article.js';
import { corporaDir } from './corpora.js';

export interface SeedExpectation {
  headline: string;
  lede_starts_with: string;
  lede_max_words: number;
  key_quote_any_of: string[];
  key_quote_speaker: string;
  must_not_appear_anywhere: string[];
}

export const seedDir = path.join(corporaDir, 'seed');
export const hasSeed = existsSync(path.join(seedDir, 'expected.json')) && existsSync(path.join(seedDir, 'no-deal.txt'));

/** The URL the HTML form of the seed pretends to come from (relative links resolve against it). */
export const seedUrl = 'https://news.example.com/2019/02/28/no-deal/';

export function loadSeedText(): string {
  return readFileSync(path.join(seedDir, 'no-deal.txt'), 'utf8');
}

export function loadSeedExpectation(): SeedExpectation {
  return JSON.parse(readFileSync(path.join(seedDir, 'expected.json'), 'utf8')) as SeedExpectation;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The seed as a WordPress feed would deliver it: its paragraphs as <p>s inside the
 * content:encoded fixture, around the fixture's advertisement block. The seed's own furniture
 * blocks (the "— Advertisement —" line, the comment-form labels) are what the fixture renders
 * as HTML, so they are not repeated as paragraphs.
 */
export function seedAsWordPressHtml(): { title: string; html: string } {
  const text = loadSeedText().replace(/\r\n?/g, '\n');
  const [title = '', ...blocks] = text.split(/\n\s*\n/).map((block) => block.trim());
  const advertisement = blocks.findIndex((block) => /^—\s*Advertisement\s*—$/.test(block));
  const paragraphs = (list: string[]): string =>
    list
      .filter((block) => block !== '' && !/^Please enter your comment!/.test(block))
      .map((block) => `<p>${escapeHtml(block).replace(/’/g, '&#8217;').replace(/“/g, '&#8220;').replace(/”/g, '&#8221;')}</p>`)
      .join('\n');
  const fixture = readFileSync(fileURLToPath(new URL('../fixtures/wordpress-content-encoded.html', import.meta.url)), 'utf8');
  const html = fixture
    .replace('{{paragraphs-before-advertisement}}', () => paragraphs(blocks.slice(0, advertisement)))
    .replace('{{paragraphs-after-advertisement}}', () => paragraphs(blocks.slice(advertisement + 1)));
  // The feed writes the title as "Trump&#8217;s …"; the XML parser decodes that reference, so the
  // clean stage receives plain text.
  return { title, html };
}

/** The seed in each form the project accepts it: plain text, parsed text, WordPress HTML. */
export function seedForms(): { form: string; input: ArticleInput }[] {
  return [
    { form: 'text', input: { text: loadSeedText() } },
    { form: 'parsed text', input: parseTextArticle(loadSeedText()) },
    { form: 'WordPress content:encoded HTML', input: { ...seedAsWordPressHtml(), url: seedUrl } },
  ];
}

export interface SeedCheck {
  name: 'headline' | 'lede' | 'quote' | 'speaker' | 'furniture' | 'paragraphs';
  passed: boolean;
  /** What was shown, for the failure message. */
  got: unknown;
}

/** Trailing punctuation does not make a different quote: “Sometimes you have to walk,” */
function bare(text: string): string {
  return text.trim().replace(/[\s.,;:!?…]+$/u, '');
}

/**
 * Whether a shown quote is one of the expected key quotes: the same, or one of them followed by
 * the rest of the same quotation ("Basically, … we couldn’t do that. They were able to …").
 */
export function isExpectedQuote(text: string | undefined, expected: SeedExpectation = loadSeedExpectation()): boolean {
  const shown = bare(text ?? '');
  return shown !== '' && expected.key_quote_any_of.map(bare).some((quote) => shown === quote || shown.startsWith(quote));
}

function countWords(text: string): number {
  return text.trim() === '' ? 0 : text.trim().split(/\s+/).length;
}

/** The paragraphs of the seed's article (the furniture blocks not counted). */
export const seedParagraphs = 17;

/**
 * Everything ../shared/corpora/seed/expected.json asks of one form of the seed, checked
 * through cleanArticle and extractArticle; shared by the tests and `npm run eval`.
 */
export function checkSeed(input: ArticleInput, expected: SeedExpectation = loadSeedExpectation()): SeedCheck[] {
  const result = extractArticle(input);
  const article = cleanArticle(input);
  const everything = [result.headline, result.lede, result.quote?.text ?? '', result.quote?.speaker ?? '', result.text, article.html];
  const furniture = expected.must_not_appear_anywhere.filter((line) => everything.some((part) => part.includes(line)));
  return [
    { name: 'headline', passed: result.headline === expected.headline, got: result.headline },
    {
      name: 'lede',
      passed: result.lede.startsWith(expected.lede_starts_with) && countWords(result.lede) <= expected.lede_max_words,
      got: result.lede,
    },
    {
      name: 'quote',
      passed: result.quote !== null && isExpectedQuote(result.quote.text, expected),
      got: result.quote?.text ?? null,
    },
    { name: 'speaker', passed: result.quote?.speaker === expected.key_quote_speaker, got: result.quote?.speaker ?? null },
    { name: 'furniture', passed: furniture.length === 0, got: furniture },
    {
      name: 'paragraphs',
      passed: article.paragraphs.length === seedParagraphs && /^There had long been skepticism/.test(article.paragraphs.at(-1) ?? ''),
      got: article.paragraphs.length,
    },
  ];
}
