import { isFurnitureText } from '../clean/is-furniture-text.js';
import { countWords, normalizeText } from '../clean/normalize-text.js';
import type { Blocks, CleanArticle, StoryImage } from '../types.js';
import { headlineFromText, shapeHeadline } from './select-headline.js';
import { selectImage } from './select-image.js';
import { joinSentences, restatesHeadline, selectLede } from './select-lede.js';
import { selectQuote } from './select-quote.js';

export interface TrimOptions {
  /** Longest headline in characters. Default 120. */
  headlineMaxLength?: number;
  /** Word budget of the lede. Default 50. */
  ledeMaxWords?: number;
  /** The publisher's name, removed from the headline; defaults to the article's own. */
  siteName?: string;
  /** The feed's images for the item (see selectImage); preferred over the image found in the content. */
  feedImages?: readonly StoryImage[];
  /**
   * Without a title, head the story with its first sentence (feed items: a Mastodon post, an RSS
   * item with only a description). Off for pages, where no title means nothing to show.
   */
  titleFromText?: boolean;
}

const DEFAULT_LEDE_WORDS = 50;

/**
 * Trims a cleaned article into the blocks a reader sees: headline, lede, key quote (chosen
 * against the headline and lede, so it never repeats them) and image.
 *
 * A feed item without a title (a Mastodon post, an RSS item with only a description) gets its
 * first sentence as the headline (`titleFromText`), and the lede goes on from there. A short post whose text does
 * not read as a lede (a line or two, a list) is its own lede, its lines kept apart.
 */
export function trimArticle(article: CleanArticle, options: TrimOptions = {}): Blocks {
  const siteName = options.siteName ?? article.siteName;
  const headlineOptions = {
    ...(options.headlineMaxLength === undefined ? {} : { maxLength: options.headlineMaxLength }),
    ...(siteName ? { siteName } : {}),
  };
  const title = normalizeText(article.title);
  const headline = title ? shapeHeadline(title, headlineOptions) : options.titleFromText ? headlineFromText(article.paragraphs, headlineOptions) : '';
  const maxWords = options.ledeMaxWords ?? DEFAULT_LEDE_WORDS;
  const lede = selectLede(article.paragraphs, { maxWords, headline }) || shortPostLede(article.paragraphs, headline, maxWords);
  const quote = selectQuote(article.paragraphs, { headline, lede });
  const image = selectImage(article.image, options.feedImages ? { feedImages: options.feedImages } : {});
  return { headline, lede, quote, image };
}

/**
 * The whole text of a short post (at most the lede's word budget) when no paragraph of it reads
 * as a lede: "Got a wedding date 😎" under its title, or three lines of release notes. Furniture
 * lines and lines that restate the headline are left out; lines are joined with " · " unless
 * they end a sentence. Longer texts get no such lede: a page that has no prose has no lede.
 */
function shortPostLede(paragraphs: readonly string[], headline: string, maxWords: number): string {
  const lines = paragraphs.map((paragraph) => normalizeText(paragraph)).filter((line) => line !== '' && !isFurnitureText(line));
  if (lines.length === 0 || countWords(lines.join(' ')) > maxWords) return '';
  return joinSentences(lines.filter((line) => !restatesHeadline(line, headline)));
}
