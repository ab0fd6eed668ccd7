import { capAtWord } from '../text/whitespace.js';
import type { ParsedFeed, RawItem } from '../types.js';

/**
 * Length caps on what a feed says about itself and its items, so no single field from a stranger
 * can fill a terminal, a log line or the email (issue 10). Text is cut at a word boundary with
 * "…"; a URL cannot be cut, so an over-long image is dropped, and an item whose link is over
 * MAX_LINK_LENGTH is left out by the select stage, with a warning naming it.
 *
 * Bodies (content, summary) are bounded by the clean and trim stages (3 MB of markup, 300
 * paragraphs), and only ever reach the email as a lede and a quote, which are capped there. An
 * item's title is cut (with a warning naming it) by checkItems, then to the headline length.
 */

/** Longest link an item may have. Browsers and mail clients take about 2,000 characters reliably; real article links are far shorter. */
export const MAX_LINK_LENGTH = 4000;
/** Longest image (or enclosure) address kept. */
export const MAX_IMAGE_URL_LENGTH = 4000;
const MAX_FEED_TITLE = 300;
const MAX_FEED_DESCRIPTION = 2000;
const MAX_AUTHOR = 200;
const MAX_CATEGORY = 100;
const MAX_CATEGORIES = 50;
const MAX_IMAGE_ALT = 500;

function cap(text: string | undefined, max: number): string | undefined {
  return text === undefined ? undefined : capAtWord(text, max);
}

function boundItem(item: RawItem): RawItem {
  const bounded: RawItem = { ...item };
  if (item.author !== undefined) bounded.author = cap(item.author, MAX_AUTHOR)!;
  if (item.categories) bounded.categories = item.categories.slice(0, MAX_CATEGORIES).map((c) => cap(c, MAX_CATEGORY)!);
  if (item.images) {
    bounded.images = item.images
      .filter((image) => image.url.length <= MAX_IMAGE_URL_LENGTH)
      .map((image) => (image.alt === undefined ? image : { ...image, alt: cap(image.alt, MAX_IMAGE_ALT)! }));
  }
  if (item.enclosure !== undefined && item.enclosure.url.length > MAX_LINK_LENGTH) delete bounded.enclosure;
  return bounded;
}

/** The feed with every per-item and per-feed text field within its cap. */
export function boundFeedFields(feed: ParsedFeed): ParsedFeed {
  const bounded: ParsedFeed = { ...feed, items: feed.items.map(boundItem) };
  if (feed.title !== undefined) bounded.title = cap(feed.title, MAX_FEED_TITLE)!;
  if (feed.description !== undefined) bounded.description = cap(feed.description, MAX_FEED_DESCRIPTION)!;
  return bounded;
}

/** Caps for what a story shows, applied where a story is made (text from a linked page is not capped earlier). */
export const STORY_CAPS = {
  /** Characters per lede word allowed on average: a lede of 50 words may have 1,000 characters. */
  ledeCharsPerWord: 20,
  quote: 1000,
  speaker: 150,
  feedName: MAX_FEED_TITLE,
} as const;
