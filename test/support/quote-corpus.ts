import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import type { Quote } from '../../src/types.js';
import { corporaDir } from './corpora.js';

export interface GoldQuote {
  text: string;
  speaker: string | null;
  speaker_mentions: string[];
}

export interface QuoteArticle {
  id: string;
  url: string;
  quotes: GoldQuote[];
  key: number[];
  /** truth.json's articleBody. */
  body: string;
  /** The page's <title>, when the page is there. */
  title: string;
}

export const quotesFile = path.join(corporaDir, 'quotes', 'dev.jsonl');

/** The hand-annotated English articles of ../shared/corpora/quotes/dev.jsonl with their bodies. */
export function loadQuoteArticles(): QuoteArticle[] {
  if (!existsSync(quotesFile)) return [];
  const lines = readFileSync(quotesFile, 'utf8').split('\n').filter((line) => line.trim() !== '');
  return lines.map((line) => {
    const entry = JSON.parse(line) as Omit<QuoteArticle, 'body' | 'title'>;
    const folder = path.join(corporaDir, 'scrapinghub', entry.id);
    const truth = JSON.parse(readFileSync(path.join(folder, 'truth.json'), 'utf8')) as { articleBody: string };
    const page = existsSync(path.join(folder, 'page.html')) ? readFileSync(path.join(folder, 'page.html'), 'utf8') : '';
    const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(page)?.[1] ?? '';
    return { ...entry, body: truth.articleBody, title };
  });
}

/** Lowercase letters and digits only, single-spaced: how quote texts are compared. */
export function comparableText(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** The returned quote covers (part of) the gold quote, or the other way round. */
export function overlaps(returned: string, gold: string): boolean {
  const a = comparableText(returned);
  const b = comparableText(gold);
  if (a === '' || b === '') return false;
  if (a.includes(b) || b.includes(a)) return true;
  // Shared run of words: at least half of the shorter text's 4-word shingles.
  const shingles = (text: string): string[] => {
    const words = text.split(' ');
    if (words.length < 4) return [text];
    return words.slice(0, -3).map((_, index) => words.slice(index, index + 4).join(' '));
  };
  const left = shingles(a);
  const right = new Set(shingles(b));
  const shared = left.filter((shingle) => right.has(shingle)).length;
  return shared / Math.min(left.length, right.size) >= 0.5;
}

/** The returned speaker names the gold speaker (full name, a mention, or the same surname). */
export function sameSpeaker(returned: string, gold: GoldQuote): boolean {
  if (!gold.speaker) return false;
  const name = comparableText(returned);
  const forms = [gold.speaker, ...gold.speaker_mentions].map(comparableText);
  if (forms.includes(name)) return true;
  const surname = comparableText(gold.speaker).split(' ').pop() ?? '';
  return surname !== '' && name.split(' ').pop() === surname;
}

export interface QuoteScores {
  articles: number;
  returned: number;
  /** Returned quotes that overlap a gold quotation. */
  correct: number;
  /** Returned quotes that overlap a gold quotation and name its speaker. */
  rightSpeaker: number;
  /** Articles with at least one key pick. */
  withKey: number;
  /** Of those, articles whose returned quote overlaps a key pick. */
  keyAgreement: number;
  /** Articles with no quotation at all. */
  withoutQuotes: number;
  /** Articles with no quotation at all where a quote was returned anyway. */
  spurious: number;
  misses: { id: string; quote: Quote; gold: string[] }[];
  wrongSpeakers: { id: string; quote: Quote; gold: GoldQuote }[];
}

/** The figures from the counts: each a share between 0 and 1. */
export interface QuoteFigures {
  /** Returned quotes that are a real direct quotation of the article (target ≥ 0.95). */
  precision: number;
  /** Articles with a key pick whose returned quote is one of them (target ≥ 0.60). */
  keyAgreement: number;
  /** Returned quotes whose speaker is right (target ≥ 0.85). */
  speaker: number;
  /** Articles without any quotation that get no quote (target ≥ 0.90). */
  noneWhenNone: number;
  /** Articles with a key pick that get some quote. */
  coverage: number;
}

/**
 * The floors the corpus tests hold on the test half, for the gold text and for the page HTML
 * alike (targets ≥ 0.95, ≥ 0.60, ≥ 0.85, ≥ 0.90). Both measured 31/31, 22/32, 30/31 and 21/21
 * on 2026-12-02; each floor allows one article more to go wrong.
 */
export const quoteFloors: Readonly<Omit<QuoteFigures, 'coverage'>> = { precision: 0.96, keyAgreement: 0.65, speaker: 0.93, noneWhenNone: 0.95 };

export function quoteFigures(scores: QuoteScores): QuoteFigures {
  const share = (part: number, whole: number): number => (whole === 0 ? 0 : part / whole);
  return {
    precision: share(scores.correct, scores.returned),
    keyAgreement: share(scores.keyAgreement, scores.withKey),
    speaker: share(scores.rightSpeaker, scores.returned),
    noneWhenNone: share(scores.withoutQuotes - scores.spurious, scores.withoutQuotes),
    coverage: share(scores.returned - scores.spurious, scores.withKey),
  };
}

/** Scores returned quotes against the gold annotations. */
export function scoreQuotes(articles: QuoteArticle[], pick: (article: QuoteArticle) => Quote | null): QuoteScores {
  const scores: QuoteScores = {
    articles: articles.length,
    returned: 0,
    correct: 0,
    rightSpeaker: 0,
    withKey: 0,
    keyAgreement: 0,
    withoutQuotes: 0,
    spurious: 0,
    misses: [],
    wrongSpeakers: [],
  };
  for (const article of articles) {
    const quote = pick(article);
    if (article.key.length > 0) scores.withKey += 1;
    if (article.quotes.length === 0) scores.withoutQuotes += 1;
    if (!quote) continue;
    scores.returned += 1;
    if (article.quotes.length === 0) scores.spurious += 1;
    const match = article.quotes.find((gold) => overlaps(quote.text, gold.text));
    if (match) {
      scores.correct += 1;
      if (sameSpeaker(quote.speaker, match)) scores.rightSpeaker += 1;
      else scores.wrongSpeakers.push({ id: article.id, quote, gold: match });
    } else {
      scores.misses.push({ id: article.id, quote, gold: article.quotes.map((gold) => gold.text) });
    }
    if (article.key.some((index) => article.quotes[index] && overlaps(quote.text, article.quotes[index].text))) scores.keyAgreement += 1;
  }
  return scores;
}

/** Prints the figures and every miss, for a corpus test's log. */
export function reportQuotes(label: string, scores: QuoteScores, figures: QuoteFigures): void {
  console.log(
    `quotes/dev.jsonl (${label}): ${scores.articles} articles, ${scores.returned} quotes returned; ` +
      `precision ${figures.precision.toFixed(3)}, speaker ${figures.speaker.toFixed(3)}, ` +
      `key-pick agreement ${scores.keyAgreement}/${scores.withKey} = ${figures.keyAgreement.toFixed(3)}, ` +
      `none when none ${scores.withoutQuotes - scores.spurious}/${scores.withoutQuotes}`,
  );
  for (const miss of scores.misses) console.log(`  not a gold quotation: ${miss.id.slice(0, 8)} ${JSON.stringify(miss.quote)}`);
  for (const wrong of scores.wrongSpeakers) console.log(`  wrong speaker: ${wrong.id.slice(0, 8)} ${JSON.stringify(wrong.quote)} (gold ${JSON.stringify(wrong.gold.speaker)})`);
}
