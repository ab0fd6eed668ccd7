import { describe, expect, it } from 'vitest';

import { cleanArticle } from '../../src/clean/clean-article.js';
import { checkSeed, hasSeed, seedAsWordPressHtml, seedForms, seedUrl, type SeedCheck } from '../support/seed.js';

/**
 * The seed page (../shared/corpora/seed/expected.json) in every form, with the checks `npm run
 * eval` counts.
 */
describe.skipIf(!hasSeed)('seed article (../shared/corpora/seed; skipped when the corpora folder is missing)', () => {
  describe.each(hasSeed ? seedForms() : [])('as $form', ({ input }) => {
    const checks = new Map(checkSeed(input).map((check) => [check.name, check]));
    const expectPassed = (name: SeedCheck['name']): void => {
      expect(checks.get(name), name).toMatchObject({ passed: true });
    };

    it('keeps the headline, kicker included', () => expectPassed('headline'));
    it('opens with the story’s first paragraph, within the word budget', () => expectPassed('lede'));
    it('picks one of the key quotes and gives it to Trump', () => {
      expectPassed('quote');
      expectPassed('speaker');
    });
    it('leaves no page furniture anywhere', () => expectPassed('furniture'));
    it('keeps every article paragraph', () => expectPassed('paragraphs'));
  });

  it('HTML form: no share, related, comment or tracking leftovers; lazy lead image promoted', () => {
    const article = cleanArticle({ ...seedAsWordPressHtml(), url: seedUrl });
    const all = `${article.html}\n${article.paragraphs.join('\n')}`;
    for (const leftover of ['Share this', 'Share on Facebook', 'Tweet', 'RELATED ARTICLES', 'Related Posts', 'Kim arrives in Hanoi', 'LEAVE A REPLY', 'incorrect email', 'Photo: Getty', 'pixel.wp.com', 'feedburner', '<script', '<form', 'onclick', 'data:image']) {
      expect(all).not.toContain(leftover);
    }
    expect(article.image?.url).toBe('https://news.example.com/wp-content/uploads/2019/02/trump-kim-hanoi-summit.jpg');
    expect(article.html).toContain('<img src="https://news.example.com/wp-content/uploads/2019/02/trump-kim-hanoi-summit.jpg"');
    expect(article.html).toContain('“Sometimes you have to walk,” Trump explained');
  });
});
