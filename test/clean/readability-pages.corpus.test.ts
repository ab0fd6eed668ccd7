import { describe, expect, it } from 'vitest';

import { hasCorpus } from '../support/corpora.js';
import { evaluateReadabilityPages } from '../support/extraction-eval.js';

/**
 * Robustness on odd markup and headlines: the 130 pages of Mozilla Readability's test suite
 * (../shared/corpora/readability), through extractArticle. Every page must extract without
 * throwing; the body text must stay close to Readability's own expected output (ScrapingHub
 * shingle metric; our cleaning removes some furniture Readability keeps, so it is not 1.0); the
 * headline must be the title the page's reader sees (expected-metadata titles, normalised; the
 * target is ≥ 90%). The same figures as `npm run eval`.
 */
describe.skipIf(!hasCorpus('readability'))('extractArticle over readability test pages (skipped when ../shared/corpora is missing)', () => {
  it('extracts every page, close to Readability’s expected text, with the page’s headline', () => {
    const result = evaluateReadabilityPages();
    const { agreement } = result;
    console.log(
      `readability pages: ${agreement.pages}, agreement with Readability's output: P ${agreement.precision.toFixed(4)} R ${agreement.recall.toFixed(4)} F1 ${agreement.f1.toFixed(4)}; ` +
        `headlines ${result.headlines}/${result.titled} (exact ${result.exactHeadlines})`,
    );
    for (const miss of result.headlineMisses) console.log(`  headline ${miss.name}: ${JSON.stringify(miss.headline)} for ${JSON.stringify(miss.title)}`);
    expect(agreement.pages).toBe(130);
    // Measured 0.980.
    expect(agreement.f1).toBeGreaterThanOrEqual(0.97);
    // Target ≥ 0.90; measured 125/127 = 0.984 (one more miss still passes, two do not).
    expect(result.headlines / result.titled).toBeGreaterThanOrEqual(0.97);
  }, 120_000);
});
