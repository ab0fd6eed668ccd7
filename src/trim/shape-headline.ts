/**
 * Headlines from text that is already plain (a parsed feed title, a cleaned article's): the site
 * name removed, capped at a word boundary. No DOM, so stages that must stay light (selection, the
 * left-out list) can use it; selectHeadline (select-headline.ts) adds decoding of markup.
 */
import { isFurnitureText } from '../text/is-furniture-text.js';
import { capAtWord, normalizeText } from '../text/whitespace.js';
import { siteNameKey } from '../text/compare-text.js';
import { splitSentences } from '../text/split-sentences.js';
import { splitTitle } from '../text/title-parts.js';
import { isOutlet } from './strip-titles.js';

export { capAtWord };

export interface SelectHeadlineOptions {
  /** Longest headline in characters, "…" included. Default 120. */
  maxLength?: number;
  /** The publisher's name; a title segment matching it is removed wherever it sits. */
  siteName?: string;
}

const DEFAULT_MAX_LENGTH = 120;

function matchesSiteName(segment: string, siteName: string | undefined): boolean {
  if (!siteName) return false;
  const a = siteNameKey(segment);
  const b = siteNameKey(siteName);
  if (a === '' || b === '') return false;
  // "Coast Gazette Online" still names "Coast Gazette"; a segment that merely contains the name
  // among other words ("Harbour report @ Coast Gazette blog post") does not.
  const close = (longer: string, shorter: string): boolean => shorter.length >= 4 && longer.includes(shorter) && longer.length - shorter.length <= Math.max(4, shorter.length / 2);
  return a === b || close(a, b) || close(b, a);
}

/** A trailing segment that reads like a publication's name rather than part of the headline. */
function looksLikeSiteName(segment: string, separator: string): boolean {
  const text = segment.trim();
  if (text === '' || text.length > 40) return false;
  if (/^(?:www\.)?[\w-]+(?:\.[\w-]+)+$/i.test(text)) return true; // A domain.
  const words = text.split(/\s+/);
  if (words.length > 5) return false;
  // A number makes a segment part of the story, not a name: "Campaign 3, Episode 49", "Part 2".
  if (/[.!?,;:"“”]$/.test(text) || /\d/.test(text)) return false;
  // Site names are Title Case or all caps; a lower-case word (other than short particles) is
  // a sign of a sentence fragment.
  if (/^(?:my|our|the)\s+(?:web\s?site|blog|site|homepage|home page)$/i.test(text)) return true;
  const titleCase = words.every((word) => /^[\p{Lu}\p{N}&@'’(]/u.test(word) || /^(?:of|the|and|for|on|in|de|la|a|an|at|by)$/.test(word));
  if (!titleCase) return false;
  // With a pipe or similar the convention is unambiguous; with a dash it needs to be short or
  // read like a publication ("The New York Times", "BBC News").
  return /^(?:\||::|·|•|\/\/)$/.test(separator.trim()) || words.length <= 3 || isOutlet(text);
}

/** Removes " | Site", " - Site", "Site | " and similar when the segment is the site's name. */
function stripSiteName(title: string, siteName?: string): string {
  const { parts, separators } = splitTitle(title);
  if (parts.length === 1) return title;

  // A segment naming the site goes wherever it sits (prefix or suffix).
  if (siteName) {
    const index = parts.findIndex((part) => matchesSiteName(part, siteName));
    if (index === parts.length - 1) return stripSiteName(joinParts(parts.slice(0, -1), separators.slice(0, -1)), siteName);
    if (index === 0) return stripSiteName(joinParts(parts.slice(1), separators.slice(1)), siteName);
  }
  // Otherwise only a short, name-like segment after the last separator, and only when what
  // remains is still a headline.
  const tail = parts[parts.length - 1] ?? '';
  const head = joinParts(parts.slice(0, -1), separators.slice(0, -1));
  const separator = separators[separators.length - 1] ?? '';
  // A one-word site ("Wikipedia") may follow a two-word headline; longer ones need three.
  const minimumHead = tail.trim().split(/\s+/).length === 1 ? 2 : 3;
  if (looksLikeSiteName(tail, separator) && head.split(/\s+/).length >= minimumHead && head.length > tail.length) return head;
  return title;
}

function joinParts(parts: string[], separators: string[]): string {
  return parts.reduce((joined, part, index) => (index === 0 ? part : joined + (separators[index - 1] ?? ' ') + part), '');
}

/**
 * selectHeadline for a title that is already plain text (a cleaned article's): nothing is decoded
 * again, so a title about "<video>" keeps it.
 */
export function shapeHeadline(title: string, options: SelectHeadlineOptions = {}): string {
  const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
  const text = normalizeText(title);
  const stripped = stripSiteName(text, options.siteName).trim();
  return capAtWord(stripped === '' ? text : stripped, maxLength);
}

/** Fewest words a headline made from a post's text should have when more text follows. */
const MIN_DERIVED_WORDS = 4;

/**
 * A headline for an item without a title (a Mastodon post, an RSS item with only a
 * description): its first sentence — or first sentences, until there are a few words — capped at
 * `maxLength` at a word boundary. A closing full stop (or colon) is dropped, as headlines have none. Empty
 * when there is no text.
 */
export function headlineFromText(paragraphs: readonly string[], options: SelectHeadlineOptions = {}): string {
  const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
  const first = paragraphs.map((paragraph) => normalizeText(paragraph)).find((paragraph) => paragraph !== '' && !isFurnitureText(paragraph));
  if (!first) return '';
  let text = '';
  for (const sentence of splitSentences(first)) {
    text = text ? `${text} ${sentence}` : sentence;
    if (text.split(' ').length >= MIN_DERIVED_WORDS || text.length >= maxLength) break;
  }
  return capAtWord(text.replace(/(?<![.…])\.$|\s*[:;,]$/u, ''), maxLength);
}
