import { describe, expect, it } from 'vitest';

import { extractArticle } from '../../src/trim/extract-article.js';
import { cleanArticle, parseTextArticle } from '../../src/clean/clean-article.js';
import { hasSeed, loadSeedExpectation, loadSeedText, seedAsWordPressHtml, seedUrl } from '../support/seed.js';

/** Trailing punctuation does not make a different quote: “Sometimes you have to walk,” */
function bare(text: string): string {
  return text.trim().replace(/[\s.,;:!?…]+$/u, '');
}

function words(text: string): number {
  return text.trim().split(/\s+/).length;
}

describe.skipIf(!hasSeed)('seed article (../shared/corpora/seed; skipped when the corpora folder is missing)', () => {
  const expected = hasSeed ? loadSeedExpectation() : undefined;
  const forms = hasSeed
    ? [
        { form: 'text', input: { text: loadSeedText() } },
        { form: 'parsed text', input: parseTextArticle(loadSeedText()) },
        { form: 'WordPress content:encoded HTML', input: { ...seedAsWordPressHtml(), url: seedUrl } },
      ]
    : [];

  describe.each(forms)('as $form', ({ input }) => {
    const result = extractArticle(input);
    const article = cleanArticle(input);

    it('keeps the headline, kicker included', () => {
      expect(result.headline).toBe(expected?.headline);
    });

    it('opens with the story’s first paragraph, within the word budget', () => {
      expect(result.lede.startsWith(expected?.lede_starts_with ?? '?')).toBe(true);
      expect(words(result.lede)).toBeLessThanOrEqual(expected?.lede_max_words ?? 0);
    });

    it('picks one of the key quotes and gives it to Trump', () => {
      expect(result.quote).not.toBeNull();
      const shown = bare(result.quote?.text ?? '');
      expect(expected?.key_quote_any_of.map(bare).some((quote) => shown === quote || shown.startsWith(quote))).toBe(true);
      expect(result.quote?.speaker).toBe(expected?.key_quote_speaker);
    });

    it('leaves no page furniture anywhere', () => {
      const everything = [result.headline, result.lede, result.quote?.text ?? '', result.quote?.speaker ?? '', result.text, article.html];
      for (const furniture of expected?.must_not_appear_anywhere ?? []) {
        for (const part of everything) expect(part).not.toContain(furniture);
      }
    });

    it('keeps every article paragraph', () => {
      expect(article.paragraphs).toHaveLength(17);
      expect(article.paragraphs.at(-1)).toMatch(/^There had long been skepticism/);
    });
  });

  it('HTML form: no share, related, comment or tracking leftovers; lazy lead image promoted', () => {
    const article = cleanArticle({ ...seedAsWordPressHtml(), url: seedUrl });
    const all = `${article.html}\n${article.paragraphs.join('\n')}`;
    for (const leftover of ['Share this', 'Share on Facebook', 'Tweet', 'RELATED ARTICLES', 'Related Posts', 'Kim arrives in Hanoi', 'LEAVE A REPLY', 'incorrect email', 'Photo: Getty', 'pixel.wp.com', 'feedburner', '<script', '<form', 'onclick', 'data:image']) {
      expect(all).not.toContain(leftover);
    }
    expect(article.image).toBe('https://news.example.com/wp-content/uploads/2019/02/trump-kim-hanoi-summit.jpg');
    expect(article.html).toContain('<img src="https://news.example.com/wp-content/uploads/2019/02/trump-kim-hanoi-summit.jpg"');
    expect(article.html).toContain('“Sometimes you have to walk,” Trump explained');
  });
});
