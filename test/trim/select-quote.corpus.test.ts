import { describe, expect, it } from 'vitest';

import { hasCorpus } from '../support/corpora.js';
import { evaluateQuotes } from '../support/extraction-eval.js';
import { reportQuotes } from '../support/quote-corpus.js';

/**
 * Key-quote quality over the hand-annotated quotations of ../shared/corpora/quotes/dev.jsonl:
 * selectQuote on each article's gold text (the quote selector alone; the page HTML is measured
 * in extract-article.corpus.test.ts). The same figures `npm run eval` prints. Targets: ≥ 95% of
 * returned quotes are real quotations, ≥ 60% agree with an editor's key pick, ≥ 85% have the
 * right speaker, ≥ 90% of the articles without a quotation get none.
 */
describe.skipIf(!hasCorpus('quotes/dev.jsonl'))('selectQuote over quotes/dev.jsonl (skipped when ../shared/corpora is missing)', () => {
  it('returns real quotations with their speakers, agrees with the editors’ picks, and none when there is none', () => {
    const { scores, figures } = evaluateQuotes('gold-text');
    reportQuotes('gold text', scores, figures);
    expect(scores.articles).toBe(109);
    // Measured 1.000, 0.712, 1.000, 1.000.
    expect(figures.precision).toBeGreaterThanOrEqual(0.97);
    expect(figures.keyAgreement).toBeGreaterThanOrEqual(0.69);
    expect(figures.speaker).toBeGreaterThanOrEqual(0.95);
    expect(figures.noneWhenNone).toBeGreaterThanOrEqual(0.97);
  });
});
