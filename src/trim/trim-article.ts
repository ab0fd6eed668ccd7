import type { Blocks, CleanArticle } from '../types.js';
import { selectHeadline } from './select-headline.js';
import { selectImage } from './select-image.js';
import { selectLede } from './select-lede.js';
import { selectQuote } from './select-quote.js';

export interface TrimOptions {
  /** Longest headline in characters. Default 120. */
  headlineMaxLength?: number;
  /** Word budget of the lede. Default 50. */
  ledeMaxWords?: number;
  /** The publisher's name, removed from the headline; defaults to the article's own. */
  siteName?: string;
  /** The feed's image for the item; preferred over the image found in the content. */
  feedImage?: string;
}

/**
 * Trims a cleaned article into the blocks a reader sees: headline, lede, key quote (chosen
 * against the headline and lede, so it never repeats them) and image.
 */
export function trimArticle(article: CleanArticle, options: TrimOptions = {}): Blocks {
  const siteName = options.siteName ?? article.siteName;
  const headline = selectHeadline(article.title, {
    ...(options.headlineMaxLength === undefined ? {} : { maxLength: options.headlineMaxLength }),
    ...(siteName ? { siteName } : {}),
  });
  const lede = selectLede(article.paragraphs, options.ledeMaxWords === undefined ? {} : { maxWords: options.ledeMaxWords });
  const quote = selectQuote(article.paragraphs, { headline, lede });
  const image = selectImage(article.image, options.feedImage ? { feedImage: options.feedImage } : {});
  return { headline, lede, quote, image };
}
