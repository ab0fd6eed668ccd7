import { describe, expect, it } from 'vitest';

import { cleanArticle } from '../../src/clean/clean-article.js';
import { hasCorpus } from '../support/corpora.js';
import { loadScrapinghubPages, scoreCorpus, scorePage } from '../support/scrapinghub-metric.js';

/**
 * Body-text quality of cleanArticle on the 121 pages of ../shared/corpora/scrapinghub, with the
 * benchmark's own shingle metric. Published on the full 181-page set: Readability.js 0.947,
 * trafilatura 0.958, rs-trafilatura 0.970.
 */
describe.skipIf(!hasCorpus('scrapinghub'))('cleanArticle over scrapinghub pages (skipped when ../shared/corpora is missing)', () => {
  it('extracts article bodies with F1 at or above the floor', () => {
    const pages = loadScrapinghubPages();
    const scores = pages.map((page) => scorePage(cleanArticle({ html: page.html, url: page.url }).paragraphs.join('\n'), page.truth));
    const result = scoreCorpus(scores);
    console.log(`scrapinghub: ${result.pages} pages, precision ${result.precision.toFixed(4)}, recall ${result.recall.toFixed(4)}, F1 ${result.f1.toFixed(4)}`);
    expect(result.pages).toBe(121);
    expect(result.f1).toBeGreaterThanOrEqual(0.97);
  }, 60_000);
});
