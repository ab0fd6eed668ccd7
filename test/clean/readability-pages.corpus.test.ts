import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';

import { extractArticle } from '../../src/trim/extract-article.js';
import { corporaDir, hasCorpus } from '../support/corpora.js';
import { scoreCorpus, scorePage } from '../support/scrapinghub-metric.js';

/**
 * Robustness on odd markup: the 130 pages of Mozilla Readability's test suite
 * (../shared/corpora/readability). Every page must extract without throwing, and the body text
 * must stay close to Readability's own expected output (measured with the ScrapingHub shingle
 * metric; our cleaning removes some furniture Readability keeps, so it is not 1.0).
 */
describe.skipIf(!hasCorpus('readability'))('extractArticle over readability test pages (skipped when ../shared/corpora is missing)', () => {
  it('extracts every page, close to Readability’s expected text', () => {
    const dir = path.join(corporaDir, 'readability');
    const names = readdirSync(dir).filter((name) => existsSync(path.join(dir, name, 'source.html')));
    const scores = names.map((name) => {
      const html = readFileSync(path.join(dir, name, 'source.html'), 'utf8');
      const result = extractArticle({ html, url: 'http://fakehost/test/page.html' });
      expect(typeof result.headline).toBe('string');
      const expectedHtml = readFileSync(path.join(dir, name, 'expected.html'), 'utf8');
      const expected = parseHTML(`<!doctype html><html><body>${expectedHtml}</body></html>`).document.body.textContent ?? '';
      return scorePage(result.text, expected);
    });
    const result = scoreCorpus(scores);
    console.log(`readability pages: ${result.pages}, agreement with Readability's output: P ${result.precision.toFixed(4)} R ${result.recall.toFixed(4)} F1 ${result.f1.toFixed(4)}`);
    expect(result.pages).toBe(130);
    expect(result.f1).toBeGreaterThanOrEqual(0.97);
  }, 120_000);
});
