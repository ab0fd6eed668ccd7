import { performance } from 'node:perf_hooks';

import { parseHTML } from 'linkedom';

import { extractArticle, type ExtractedArticle } from '../../src/trim/extract-article.js';
import { selectHeadline } from '../../src/trim/select-headline.js';
import { selectLede } from '../../src/trim/select-lede.js';
import { selectQuote } from '../../src/trim/select-quote.js';
import { loadQuoteArticles, quoteFigures, scoreQuotes, type QuoteFigures, type QuoteScores } from './quote-corpus.js';
import { headlineMatchesTitle, loadReadabilityPages, readabilityPageUrl, type ReadabilityPage } from './readability-corpus.js';
import { loadScrapinghubPages, scoreCorpus, scorePage, type CorpusScore, type ScrapinghubPage } from './scrapinghub-metric.js';
import { checkSeed, seedForms, type SeedCheck } from './seed.js';

/**
 * The extraction-quality figures of issue 3, computed one way for both the corpus tests (which
 * assert floors) and `npm run eval` (which prints them): body text F1 on the ScrapingHub pages,
 * extraction time per page, headlines on Readability's test pages, key quotes on
 * quotes/dev.jsonl, and the seed page.
 */

export interface BodyTextResult extends CorpusScore {
  perPage: { id: string; precision: number; recall: number }[];
}

let scrapinghub: { pages: ScrapinghubPage[]; extracted: Map<string, ExtractedArticle> } | undefined;

/**
 * The ScrapingHub pages and extractArticle's result for each, computed once per process: the
 * body text and the page-level quote figures read the same extraction.
 */
function extractScrapinghub(): { pages: ScrapinghubPage[]; extracted: Map<string, ExtractedArticle> } {
  if (!scrapinghub) {
    const pages = loadScrapinghubPages();
    scrapinghub = { pages, extracted: new Map(pages.map((page) => [page.id, extractArticle({ html: page.html, url: page.url })])) };
  }
  return scrapinghub;
}

/**
 * Body text F1/P/R with the ScrapingHub metric. The text is the cleaned article's paragraphs
 * (extractArticle's `text`, which is cleanArticle's paragraphs).
 */
export function evaluateBodyText(): BodyTextResult {
  const { pages, extracted } = extractScrapinghub();
  const perPage = pages.map((page) => ({ id: page.id, ...scorePage(extracted.get(page.id)?.text ?? '', page.truth) }));
  return { ...scoreCorpus(perPage), perPage };
}

export interface LedeResult {
  pages: number;
  /** Pages whose lede is empty. */
  empty: number;
  /** Pages whose lede opens the story: its first five words are among the gold body's first 40. */
  opening: number;
  misses: { id: string; lede: string }[];
}

/**
 * Ledes on the ScrapingHub pages (not a figure of the table; a proxy, since the corpus
 * has no gold ledes): a lede should open the article the human-checked body begins with.
 */
export function evaluateLedes(): LedeResult {
  const { pages, extracted } = extractScrapinghub();
  const words = (text: string): string[] => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const result: LedeResult = { pages: pages.length, empty: 0, opening: 0, misses: [] };
  for (const page of pages) {
    const lede = extracted.get(page.id)?.lede ?? '';
    if (lede === '') {
      result.empty += 1;
      result.misses.push({ id: page.id, lede });
    } else if (words(page.truth).slice(0, 40).join(' ').includes(words(lede).slice(0, 5).join(' '))) {
      result.opening += 1;
    } else {
      result.misses.push({ id: page.id, lede });
    }
  }
  return result;
}

export interface TimingSummary {
  pages: number;
  median: number;
  p95: number;
  worst: number;
  worstPage: string;
}

export interface ExtractionTimes {
  /** Wall-clock milliseconds per page. */
  wall: TimingSummary;
  /** CPU milliseconds per page (user + system of this process): less disturbed by a busy machine. */
  cpu: TimingSummary;
}

function summarise(values: { id: string; ms: number }[]): TimingSummary {
  const sorted = [...values].sort((a, b) => a.ms - b.ms);
  const at = (share: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * share) - 1))]?.ms ?? 0;
  const worst = sorted[sorted.length - 1];
  return { pages: sorted.length, median: at(0.5), p95: at(0.95), worst: worst?.ms ?? 0, worstPage: worst?.id ?? '' };
}

/**
 * Time of extractArticle (clean and trim) per page. With `warmup`, every page is extracted once
 * before the timed pass, so the figures describe a running job rather than the JIT's first
 * sight of the code.
 */
export function timeExtraction(pages: ScrapinghubPage[] = loadScrapinghubPages(), options: { warmup?: boolean } = {}): ExtractionTimes {
  if (options.warmup) for (const page of pages) extractArticle({ html: page.html, url: page.url });
  const wall: { id: string; ms: number }[] = [];
  const cpu: { id: string; ms: number }[] = [];
  for (const page of pages) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    extractArticle({ html: page.html, url: page.url });
    wall.push({ id: page.id, ms: performance.now() - start });
    const used = process.cpuUsage(cpuStart);
    cpu.push({ id: page.id, ms: (used.user + used.system) / 1000 });
  }
  return { wall: summarise(wall), cpu: summarise(cpu) };
}

export interface ReadabilityPagesResult {
  /** Body text agreement with Readability's own output (ScrapingHub metric). */
  agreement: CorpusScore;
  /** Pages whose expected metadata has a title. */
  titled: number;
  /** Headline equals the expected title, normalised (site-name segments may be dropped). */
  headlines: number;
  /** Headline equals the expected title exactly, after normalising case, quotes and spaces. */
  exactHeadlines: number;
  headlineMisses: { name: string; headline: string; title: string }[];
}

/** Headline and body text of extractArticle on Readability's test pages. */
export function evaluateReadabilityPages(pages: ReadabilityPage[] = loadReadabilityPages()): ReadabilityPagesResult {
  const scores = [];
  const result: Omit<ReadabilityPagesResult, 'agreement'> = { titled: 0, headlines: 0, exactHeadlines: 0, headlineMisses: [] };
  for (const page of pages) {
    const extracted = extractArticle({ html: page.html, url: readabilityPageUrl });
    const expected = parseHTML(`<!doctype html><html><body>${page.expectedHtml}</body></html>`).document.body.textContent ?? '';
    scores.push(scorePage(extracted.text, expected));
    if (page.title === null || page.title.trim() === '') continue;
    result.titled += 1;
    const match = headlineMatchesTitle(extracted.headline, page.title);
    if (match.exact) result.exactHeadlines += 1;
    if (match.matches) result.headlines += 1;
    else result.headlineMisses.push({ name: page.name, headline: extracted.headline, title: page.title });
  }
  return { agreement: scoreCorpus(scores), ...result };
}

export interface QuoteResult {
  scores: QuoteScores;
  figures: QuoteFigures;
}

/**
 * Key quotes against quotes/dev.jsonl. `gold-text`: selectQuote on each article's human-checked
 * body (truth.json, one paragraph a line) with the page title as headline, which measures the
 * quote selector alone. `page`: extractArticle on the page HTML, the whole extractor.
 */
export function evaluateQuotes(mode: 'gold-text' | 'page'): QuoteResult {
  const articles = loadQuoteArticles();
  const extracted = mode === 'page' ? extractScrapinghub().extracted : undefined;
  const scores = scoreQuotes(articles, (article) => {
    if (extracted) return extracted.get(article.id)?.quote ?? null;
    const paragraphs = article.body.split('\n').map((line) => line.trim()).filter(Boolean);
    const headline = selectHeadline(article.title);
    return selectQuote(paragraphs, { headline, lede: selectLede(paragraphs) });
  });
  return { scores, figures: quoteFigures(scores) };
}

export interface SeedResult {
  checks: (SeedCheck & { form: string })[];
  passed: number;
}

/** Every check of seed/expected.json, for every form of the seed. */
export function evaluateSeed(): SeedResult {
  const checks = seedForms().flatMap(({ form, input }) => checkSeed(input).map((check) => ({ ...check, form })));
  return { checks, passed: checks.filter((check) => check.passed).length };
}
