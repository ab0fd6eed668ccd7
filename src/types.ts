/**
 * The data that flows between pipeline stages, from raw feed items to the digest.
 * Outside data is narrowed into these types in exactly one place per stage:
 * parse → RawItem, clean → CleanArticle, trim → Blocks, select/assemble → Digest.
 */

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
  link?: string;
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
  /** Enclosure, media:content / media:thumbnail, or JSON Feed image. */
  image?: string;
  categories?: string[];
  /**
   * Absolute URL that relative links inside `contentHtml`/`summary` resolve against: the
   * content's xml:base, else the item's, else the feed's URL.
   */
  baseUrl?: string;
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
}

/** An article after cleaning: page furniture gone, paragraphs kept. */
export interface CleanArticle {
  /** The title as the source gives it, tags and entities decoded. */
  title: string;
  /** Body paragraphs in reading order, plain text with typography kept. */
  paragraphs: string[];
  /** Email-safe HTML of the cleaned body (sanitised, absolute URLs). */
  html: string;
  /** Best lead image found in the content, absolute URL. */
  image: string | null;
  /** Byline, when the content gives one. */
  byline?: string;
  /** The publisher's name, when a whole page names itself (og:site_name); helps trim the headline. */
  siteName?: string;
}

export interface Quote {
  text: string;
  speaker: string;
}

/** What the reader sees for one story. */
export interface Blocks {
  headline: string;
  lede: string;
  quote: Quote | null;
  image: string | null;
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
  code: string;
  message: string;
  /** Runs in a row this feed has failed, this one included. */
  consecutiveFailures?: number;
  /** When it last worked (ISO date), if ever. */
  lastSuccessAt?: string;
}

export interface Digest {
  title: string;
  /** When the digest was assembled (the injected clock). */
  date: Date;
  timezone: string;
  sections: DigestSection[];
  items: DigestItem[];
  failures: FeedFailure[];
}

/** What the clean stage accepts: a feed item's body or a fetched page, plus what is known about it. */
export interface ArticleInput {
  /** The item's title; for pages, the page's own title is used when this is missing. */
  title?: string;
  /** A feed content fragment (content:encoded, Atom content, content_html) or a whole page. */
  html?: string;
  /** Plain text with blank-line paragraphs (content_text, or the seed's text form). */
  text?: string;
  /** Where the content lives: the base for relative links and images. */
  url?: string;
}
