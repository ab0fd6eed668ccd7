import { countWords, normalizeText } from '../text/plain-text.js';
import type { Blocks, CleanArticle, StoryImage } from '../types.js';
import { headlineFromText, shapeHeadline } from './shape-headline.js';
import { selectImage } from './select-image.js';
import { isNeverLede, joinSentences, restatesHeadline, selectLede } from './select-lede.js';
import { selectQuote } from './select-quote.js';
import { splitSentences } from '../text/split-sentences.js';

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
 * first sentence as the headline (`titleFromText`), and the lede goes on from there; a short one
 * is read whole, its lines kept apart. Any short post whose text does not read as a lede (a
 * line or two, a list) is its own lede.
 */
export function trimArticle(article: CleanArticle, options: TrimOptions = {}): Blocks {
  const siteName = options.siteName ?? article.siteName;
  const headlineOptions = {
    ...(options.headlineMaxLength === undefined ? {} : { maxLength: options.headlineMaxLength }),
    ...(siteName ? { siteName } : {}),
  };
  const title = normalizeText(article.title);
  const derived = !title && options.titleFromText === true;
  const headline = title ? shapeHeadline(title, headlineOptions) : derived ? headlineFromText(article.paragraphs, headlineOptions) : '';
  const maxWords = options.ledeMaxWords ?? DEFAULT_LEDE_WORDS;
  // A short untitled post is read whole, its lines kept (the first became the headline).
  const post = derived ? shortPostLede(article.paragraphs, headline, maxWords) : '';
  // (When `post` came out empty, a second shortPostLede would give the same empty answer.)
  const lede = post || selectLede(article.paragraphs, { maxWords, headline }) || (derived ? '' : shortPostLede(article.paragraphs, headline, maxWords));
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
  const lines = paragraphs.map((paragraph) => normalizeText(paragraph)).filter((line) => !isNeverLede(line));
  if (lines.length === 0 || countWords(lines.join(' ')) > maxWords) return '';
  const kept = lines.filter((line) => !restatesHeadline(line, headline));
  // The sentences that opened the post and became its headline are not said twice.
  const first = splitSentences(kept[0] ?? '');
  while (first.length > 1 && restatesHeadline(first[0]!, headline)) first.shift();
  if (kept.length > 0) kept[0] = joinSentences(first);
  // A short label over the rest ("What's Changed", "Highlights") is a heading, not news.
  if (kept.length > 1 && isLabel(kept[0]!)) kept.shift();
  return joinSentences(kept);
}

/** Three words or fewer, without a sentence's closing punctuation. */
function isLabel(line: string): boolean {
  return countWords(line) <= 3 && !/[.!?…。！？]["”’)\]]*$/u.test(line);
}
