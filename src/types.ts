/**
 * The data that flows between pipeline stages, from raw feed items to the digest.
 * Outside data is narrowed into these types in exactly one place per stage:
 * parse → RawItem, clean → CleanArticle, trim → Blocks, select/assemble → Digest.
 */

import type { ErrorCode } from './error-codes.js';

/** One feed as the resolved config describes it. */
export interface FeedSource {
  /** http(s) URL, or an absolute path to a local file. */
  url: string;
  /**
   * What the state knows the feed (and scopes its items' ids) by, when that is not `url`: a local
   * file written as a relative path is known by that path relative to the config file's folder,
   * so a moved or copied project is the same project (`feedKey`).
   */
  key?: string;
  /** Display name; falls back to the feed's own title. */
  name?: string;
  /** Digest section the feed's items go into; defaults to the feed's name. */
  section?: string;
  /** Most items taken from this feed per digest. */
  limit?: number;
  /** When to fetch the linked page for the full article text. */
  fullText?: 'auto' | 'always' | 'never';
  /** Items older than this many days are held back (0 = none); overrides `limits.maxAgeDays`. */
  maxAgeDays?: number;
  /** Weight of this feed's stories when the lead story is chosen (higher first; default 0). */
  priority?: number;
  /** Not fetched until unpaused (`digest feeds pause`). */
  paused?: boolean;
  /** Only stories matching one of these (words, or `/pattern/flags`) are taken. */
  include?: string[];
  /** Stories matching any of these are held back. */
  exclude?: string[];
  /** Stories whose text (as the feed carries it) has fewer words are held back. */
  minWords?: number;
}

/** Output format of the parse stage, the same shape for RSS, Atom and JSON Feed. */
export interface RawItem {
  guid?: string;
  /** The item's web page, absolute http(s). */
  link?: string;
  /** Plain text: entities decoded once, tags gone (see parse/feed-text.ts). */
  title?: string;
  /** Full article HTML (content:encoded, Atom content, JSON Feed content_html). */
  contentHtml?: string;
  /** Full article text (JSON Feed content_text) when no HTML is given. */
  contentText?: string;
  /**
   * Teaser (RSS description, Atom summary, JSON Feed summary), as HTML: plain-text summaries
   * (Atom type="text", JSON Feed) arrive escaped.
   */
  summary?: string;
  /** When first published; falls back to the last update when the feed gives only that. */
  published?: Date;
  /** Last update (Atom updated, JSON Feed date_modified). */
  updated?: Date;
  author?: string;
  /**
   * The item's own images, in the feed's order of preference (media:content, media:group,
   * media:thumbnail, image enclosures, itunes:image; JSON Feed image, banner_image, image
   * attachments), absolute, with the sizes the feed declares.
   */
  images?: StoryImage[];
  /** The item's audio or video (a podcast episode): where a reader goes when there is no link. */
  enclosure?: Enclosure;
  categories?: string[];
  /**
   * Absolute URL that relative links inside `contentHtml`/`summary` resolve against: the
   * content's xml:base, else the item's, else the feed's URL.
   */
  baseUrl?: string;
}

/** An audio or video file attached to an item. */
export interface Enclosure {
  url: string;
  /** MIME type, when the feed gives one ("audio/mpeg"). */
  type?: string;
}

/** Something wrong with one item that the feed still delivered: reported, and the rest goes on. */
export interface ItemWarning {
  /** The item as a reader would recognise it: its title, else its link, else its position. */
  item: string;
  message: string;
}

export type FeedFormat = 'rss' | 'atom' | 'rdf' | 'json';

export interface ParsedFeed {
  format: FeedFormat;
  title?: string;
  /** The site's home page, when the feed names it. */
  link?: string;
  /** RSS channel description, Atom subtitle/tagline, JSON Feed description, as given (may hold HTML). */
  description?: string;
  /** The feed's own URL as it states it (atom:link rel=self, JSON Feed feed_url). */
  feedUrl?: string;
  /** When the feed last changed, by its own account. */
  updated?: Date;
  items: RawItem[];
  /** Per-item problems (an image address that is not a URL, a title cut from 100 KB). */
  warnings?: ItemWarning[];
}

/** An article after cleaning: page furniture gone, paragraphs kept. */
export interface CleanArticle {
  /** The title as the source gives it, tags and entities decoded. */
  title: string;
  /** Body paragraphs in reading order, plain text with typography kept. */
  paragraphs: string[];
  /** Email-safe HTML of the cleaned body (sanitised, absolute URLs). */
  html: string;
  /** Best lead image found in the content (else the page's og:image), absolute, with its size. */
  image: StoryImage | null;
  /** Byline, when the content gives one. */
  byline?: string;
  /** The publisher's name, when a whole page names itself (og:site_name); helps trim the headline. */
  siteName?: string;
}

export interface Quote {
  text: string;
  speaker: string;
}

/**
 * A story's image and its intrinsic size in CSS pixels, as the feed or page declares it (or its
 * address implies it: `?w=800`, `-1024x576.jpg`). A size nobody states is null, never guessed, so
 * a template can state width and height when known and never show an image wider than it is.
 */
export interface StoryImage {
  /** Absolute http(s) URL. */
  url: string;
  width: number | null;
  height: number | null;
  /** The source's own description of the picture (media:description, img alt), when given. */
  alt?: string;
}

/** What the reader sees for one story. */
export interface Blocks {
  headline: string;
  lede: string;
  quote: Quote | null;
  image: StoryImage | null;
}

/** One story in the digest. */
export interface DigestItem extends Blocks {
  id: string;
  url: string | null;
  feedName: string;
  feedUrl: string;
  section: string;
  published: Date | null;
  /** The cleaned body, for the plain-text part and for later stages. */
  text: string;
  /** Other feeds that carried the same story. */
  alsoIn: string[];
}

export interface DigestSection {
  name: string;
  items: DigestItem[];
}

export interface FeedFailure {
  feed: string;
  url: string;
  /** One of the codes in error-codes.ts (README "Error codes"). */
  code: ErrorCode;
  message: string;
  /** Runs in a row this feed has failed, this one included. */
  consecutiveFailures?: number;
  /** When it last worked (ISO date), if ever. */
  lastSuccessAt?: string;
}

/**
 * Why a new story is not one of the digest's stories. Over a limit (`over-feed-limit`,
 * `over-total-limit`, `first-run-backlog`): named in the email under "More from <feed>".
 * `size-budget`: the email would have been too large; carried to the next digest. `future`:
 * dated ahead, offered again once its time comes. `too-old`: held back by `limits.maxAgeDays`.
 * `filtered`: held back by the feed's `include`/`exclude`/`minWords` filters.
 */
export type LeftOutReason = 'over-feed-limit' | 'over-total-limit' | 'first-run-backlog' | 'size-budget' | 'future' | 'too-old' | 'filtered';

/** A new story that is not one of this digest's stories, and what becomes of it. */
export interface LeftOutStory {
  id: string;
  feed: string;
  feedUrl: string;
  /** The feed's website, when the feed names it (the "More from" line links to it). */
  feedSite: string | null;
  url: string | null;
  headline: string;
  published: Date | null;
  reason: LeftOutReason;
  /** Not recorded as seen: the next digest offers it again. */
  carriedOver: boolean;
  /** Named in this email, under "More from <feed>". */
  listed: boolean;
  /**
   * The section its feed's stories are in (as DigestItem.section), when known: a reader's copy of
   * chosen sections names only the left-out stories of those sections.
   */
  section?: string;
}

export interface Digest {
  title: string;
  /** When the digest was assembled (the injected clock). */
  date: Date;
  timezone: string;
  /** The lead story (shown first, large), chosen by the config's `lead.by` rule; null for none. */
  lead: DigestItem | null;
  /** The sections and their stories, without the lead. */
  sections: DigestSection[];
  /** Every story in email order: the lead first, then the sections'. */
  items: DigestItem[];
  /** New stories that are not among `items`: listed under "More from …", carried over, or held back. */
  leftOut: LeftOutStory[];
  failures: FeedFailure[];
}

/** What the clean stage accepts: a feed item's body or a fetched page, plus what is known about it. */
export interface ArticleInput {
  /**
   * The item's title as plain text (the parse stage decodes feed titles); for pages, the page's
   * own title is used when this is missing. It is never decoded again: "Using <video>" stays.
   */
  title?: string;
  /** A feed content fragment (content:encoded, Atom content, content_html) or a whole page. */
  html?: string;
  /** Plain text with blank-line paragraphs (content_text, or the seed's text form). */
  text?: string;
  /** Where the content lives: the base for relative links and images. */
  url?: string;
}
