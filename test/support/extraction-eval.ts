import { performance } from 'node:perf_hooks';

import { parseHTML } from 'linkedom';

import { choosePageTitle, type PageTitles } from '../../src/clean/choose-page-title.js';
import { extractMainContent, parsePage } from '../../src/clean/extract-main-content.js';
import { readPageMetadata } from '../../src/clean/read-page-metadata.js';
import { removeNeverContent } from '../../src/clean/strip-furniture.js';
import { extractArticle, type ExtractedArticle } from '../../src/trim/extract-article.js';
import { selectHeadline } from '../../src/trim/select-headline.js';
import { selectLede } from '../../src/trim/select-lede.js';
import { selectQuote } from '../../src/trim/select-quote.js';
import { inHalf, type Half } from './corpus-split.js';
import { loadScrapinghubTitles, showsHeadline } from './headline-truth.js';
import { loadQuoteArticles, quoteFigures, scoreQuotes, type QuoteFigures, type QuoteScores } from './quote-corpus.js';
import { goldParagraphs } from './quote-weights.js';
import { headlineMatchesTitle, loadReadabilityPages, readabilityPageUrl, type ReadabilityPage } from './readability-corpus.js';
import { loadScrapinghubPages, scoreCorpus, scorePage, type CorpusScore, type ScrapinghubPage } from './scrapinghub-metric.js';
import { checkSeed, seedForms, type SeedCheck } from './seed.js';

/**
 * The extraction-quality figures, computed one way for both the corpus tests (which assert
 * floors on the test half) and `npm run eval` (which prints both halves): body text F1 on the
 * ScrapingHub pages, extraction time per page, headlines against the hand-checked titles of the
 * ScrapingHub pages (and, for comparison only, against Readability's own titles), key quotes on
 * quotes/dev.jsonl, and the seed page. Every quality figure takes a half of the fixed split
 * (corpus-split.ts); without one it covers the whole corpus.
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
export function evaluateBodyText(half?: Half): BodyTextResult {
  const { extracted } = extractScrapinghub();
  const pages = inHalf(extractScrapinghub().pages, (page) => page.id, half);
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

/** Whether a lede opens the story: its first five words are among the gold body's first 40. */
export function ledeOpensStory(lede: string, truth: string): boolean {
  const words = (text: string): string[] => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return lede !== '' && words(truth).slice(0, 40).join(' ').includes(words(lede).slice(0, 5).join(' '));
}

/**
 * Ledes on the ScrapingHub pages (not a figure of the table; a proxy, since the corpus
 * has no gold ledes): a lede should open the article the human-checked body begins with.
 */
export function evaluateLedes(half?: Half): LedeResult {
  const { extracted } = extractScrapinghub();
  const pages = inHalf(extractScrapinghub().pages, (page) => page.id, half);
  const result: LedeResult = { pages: pages.length, empty: 0, opening: 0, misses: [] };
  for (const page of pages) {
    const lede = extracted.get(page.id)?.lede ?? '';
    if (lede === '') result.empty += 1;
    if (ledeOpensStory(lede, page.truth)) result.opening += 1;
    else result.misses.push({ id: page.id, lede });
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
  pages: number;
  /** Body text agreement with Readability's own output (ScrapingHub metric). */
  agreement: CorpusScore;
  /** Pages whose expected metadata has a title. */
  titled: number;
  /**
   * Headline equals Readability's expected title, normalised (site-name segments may be
   * dropped). Not a truth: the extractor starts from Readability's title, so this measures
   * agreement with Readability, not with what the reader sees.
   */
  headlines: number;
  /** Headline equals the expected title exactly, after normalising case, quotes and spaces. */
  exactHeadlines: number;
  /** The same agreement for the page's <title> element through selectHeadline, for comparison. */
  documentTitles: number;
  headlineMisses: { name: string; headline: string; title: string }[];
}

/** The <title> element's text, from the markup (cheap; entities are decoded by selectHeadline). */
function documentTitleOf(html: string): string {
  return /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1] ?? '';
}

/** Headline and body text of extractArticle on Readability's test pages. */
export function evaluateReadabilityPages(half?: Half, all: ReadabilityPage[] = loadReadabilityPages()): ReadabilityPagesResult {
  const pages = inHalf(all, (page) => page.name, half);
  const scores = [];
  const result: Omit<ReadabilityPagesResult, 'agreement'> = { pages: pages.length, titled: 0, headlines: 0, exactHeadlines: 0, documentTitles: 0, headlineMisses: [] };
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
    if (headlineMatchesTitle(selectHeadline(documentTitleOf(page.html)), page.title).matches) result.documentTitles += 1;
  }
  return { agreement: scoreCorpus(scores), ...result };
}

/** Where a headline can come from, each through selectHeadline (site name removed, capped). */
export const headlineSources = ['extractor', 'readability', 'document', 'openGraph', 'heading'] as const;
export type HeadlineSource = (typeof headlineSources)[number];

export const headlineSourceLabels: Record<HeadlineSource, string> = {
  extractor: 'the extractor (its top heading when it tells the story, else Readability’s title)',
  readability: 'Readability’s title alone (without choosePageTitle’s corrections)',
  document: 'the page’s <title>',
  openGraph: 'og:title (else <title>)',
  heading: 'the page’s first <h1>',
};

export interface HeadlineResult {
  pages: number;
  /** Pages whose headline from each source is the hand-checked one (only the extractor's without `sources`). */
  shown: Record<HeadlineSource, number>;
  misses: { id: string; headline: string; truth: string }[];
  /**
   * Pages where choosePageTitle over the titles gathered here does not give the extractor's
   * headline: 0 unless pageTitles has drifted from cleanArticle's page path.
   */
  drift: string[];
}

/**
 * The titles cleanArticle chooses between for a page: the same steps as its page path
 * (metadata read before Readability rewrites the document; Readability's title after the
 * never-content elements are gone), kept apart here so each source can be scored alone.
 */
function pageTitles(html: string, url: string): PageTitles & { openGraph?: string } {
  const document = parsePage(html);
  const metadata = readPageMetadata(document, url);
  if (document.body) removeNeverContent(document.body);
  const main = extractMainContent(document, html);
  const siteName = metadata.siteName ?? main.siteName;
  const readability = main.title ?? metadata.title;
  return {
    ...(readability ? { readability } : {}),
    ...(metadata.documentTitle ? { document: metadata.documentTitle } : {}),
    ...(metadata.title ? { openGraph: metadata.title } : {}),
    ...(siteName ? { siteName } : {}),
    headings: metadata.headings,
  };
}

/**
 * Headlines against the hand-checked titles of the ScrapingHub pages (headline-truth.ts): the
 * extractor's, and (unless `sources` is false, which saves running Readability on every page a
 * second time) for comparison each source it chooses from on its own.
 */
export function evaluateHeadlines(half?: Half, { sources = true }: { sources?: boolean } = {}): HeadlineResult {
  const { pages, extracted } = extractScrapinghub();
  const byId = new Map(pages.map((page) => [page.id, page]));
  const truths = inHalf(loadScrapinghubTitles(), (truth) => truth.id, half).filter((truth) => byId.has(truth.id));
  const result: HeadlineResult = { pages: truths.length, shown: { extractor: 0, readability: 0, document: 0, openGraph: 0, heading: 0 }, misses: [], drift: [] };
  for (const truth of truths) {
    const page = byId.get(truth.id);
    if (!page) continue;
    const headline = extracted.get(truth.id)?.headline ?? '';
    if (!showsHeadline(headline, truth.headline)) result.misses.push({ id: truth.id, headline, truth: truth.headline });
    if (!sources) {
      if (showsHeadline(headline, truth.headline)) result.shown.extractor += 1;
      continue;
    }
    const titles = pageTitles(page.html, page.url);
    const options = titles.siteName ? { siteName: titles.siteName } : {};
    const candidates: Record<HeadlineSource, string> = {
      extractor: headline,
      readability: selectHeadline(titles.readability ?? titles.document ?? '', options),
      document: selectHeadline(titles.document ?? '', options),
      openGraph: selectHeadline(titles.openGraph ?? '', options),
      heading: selectHeadline(titles.headings?.[0] ?? '', options),
    };
    for (const source of headlineSources) if (showsHeadline(candidates[source], truth.headline)) result.shown[source] += 1;
    if (selectHeadline(choosePageTitle(titles) ?? '', options) !== headline) result.drift.push(truth.id);
  }
  return result;
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
export function evaluateQuotes(mode: 'gold-text' | 'page', half?: Half): QuoteResult {
  const articles = inHalf(loadQuoteArticles(), (article) => article.id, half);
  const extracted = mode === 'page' ? extractScrapinghub().extracted : undefined;
  const scores = scoreQuotes(articles, (article) => {
    if (extracted) return extracted.get(article.id)?.quote ?? null;
    const paragraphs = goldParagraphs(article);
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
