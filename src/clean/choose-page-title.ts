import { comparableText } from '../text/compare-text.js';
import { normalizeText } from '../text/plain-text.js';
import { titleBeforeLastSeparator, titleSegments } from '../text/title-parts.js';

/**
 * Which of a page's titles is the headline its reader sees. The page's own top heading comes
 * first, when it tells the same story as the page's titles (see `storyHeading`): publishers
 * often give Open Graph, JSON-LD and the <title> element a shorter, older or search-engine
 * wording ("Prison guards charged in connection with Jeffrey Epstein's death" for the heading
 * "Two federal prison officers charged with falsifying records in connection with Jeffrey
 * Epstein's suicide"), a section label ("Opinion | …") or a site name the digest must strip.
 * Otherwise Readability's title (it reads JSON-LD, Open Graph and Dublin Core before the <title>
 * element), with two corrections where the page itself shows something else:
 *
 * - Readability drops everything before a colon of the <title> element when no heading repeats
 *   the whole title exactly ("Evolve: Shared Mutable History" → "Shared Mutable History"). A
 *   kicker belongs to the headline, so the <title>'s is kept when a heading shows it, or when it
 *   is in capitals ("NO DEAL: …", "BREAKING: …") and no heading shows the title without it. A
 *   site name in front ("The Space Review: …") stays dropped: the page's heading leaves it out.
 * - A page whose <title> element is repeated word for word by a top-level heading shows that
 *   headline, whatever its Open Graph title says (some publishers put the site's slogan there:
 *   "Yahoo News - Latest News & Headlines", or a shorter variant of the headline).
 */
export interface PageTitles {
  /** Readability's title for the page, else the page's Open Graph or <title> title. */
  readability?: string;
  /** The <title> element's text. */
  document?: string;
  /** Texts of the page's <h1> elements, in order. */
  headings?: string[];
  /** The publisher's name (og:site_name): a colon prefix naming it is not a kicker. */
  siteName?: string;
}


/** A permalink marker documentation generators put at the end of headings ("History¶"). */
const PERMALINK = /\s*[¶§#]\s*$/u;

/**
 * How much of the shorter of two titles the other repeats, word for word (letters and digits;
 * case ignored), before a heading counts as the story's headline. Chosen on the development
 * half of the hand-checked ScrapingHub titles only: every share from 0.2 to 0.5 (with at least
 * two words in common) finds all 53 of its headlines, 0.6 finds 52 and 0.7 51; 0.4 sits inside
 * that plateau rather than at its edge.
 */
const HEADING_OVERLAP = 0.4;
/** And of the longer one, so a heading that holds the whole standfirst is not the headline. */
const HEADING_OVERLAP_OF_LONGER = 0.25;

/**
 * The page's top heading, when it is the story's headline: among the first <h1>s, the first
 * that is the <title> element (whole, or without its last " | Site" segment), or that shares at
 * least two words and half of the shorter title's words with Readability's title. A heading that
 * is the site's name, or the <title>'s last segment ("… — evolve extension for Mercurial"), is
 * the site's, not the story's. When a heading shows Readability's title as it is, that stands.
 */
function storyHeading(readability: string | undefined, documentTitle: string | undefined, titles: PageTitles): string | undefined {
  const headings = (titles.headings ?? []).map((heading) => normalizeText(heading.replace(PERMALINK, ''))).filter((heading) => heading !== '');
  if (headings.length === 0) return undefined;
  if (readability && headings.some((heading) => comparableText(heading) === comparableText(readability))) return undefined;
  const documentParts = documentTitle ? titleSegments(documentTitle) : [];
  const shownTitles = new Set<string>();
  if (documentTitle) shownTitles.add(comparableText(documentTitle));
  if (documentTitle && documentParts.length > 1) {
    const before = titleBeforeLastSeparator(documentTitle);
    if (before !== undefined) shownTitles.add(comparableText(before));
  }
  // "Story | Site": the <title>'s last segment names the site (or its tagline), never the story.
  const siteParts = new Set<string>();
  if (documentParts.length > 1) siteParts.add(comparableText(documentParts[documentParts.length - 1] ?? ''));
  if (titles.siteName) siteParts.add(comparableText(titles.siteName));
  const readabilityWords = new Set(readability ? comparableText(readability).split(' ').filter(Boolean) : []);
  for (const heading of headings) {
    const key = comparableText(heading);
    if (key === '' || siteParts.has(key)) continue;
    if (shownTitles.has(key)) return heading;
    const words = new Set(key.split(' '));
    let shared = 0;
    for (const word of words) if (readabilityWords.has(word)) shared += 1;
    const shorter = Math.min(words.size, readabilityWords.size);
    const longer = Math.max(words.size, readabilityWords.size);
    if (shared >= 2 && shared >= shorter * HEADING_OVERLAP && shared >= longer * HEADING_OVERLAP_OF_LONGER) return heading;
  }
  return undefined;
}

/** "NO DEAL", "BREAKING", "WATCH": letters all in capitals, a word or three. */
function isCapitalKicker(kicker: string): boolean {
  const letters = kicker.replace(/[^\p{L}]/gu, '');
  return letters.length >= 2 && letters === letters.toUpperCase() && letters !== letters.toLowerCase() && kicker.trim().split(/\s+/).length <= 4;
}

export function choosePageTitle(titles: PageTitles): string | undefined {
  const readability = titles.readability ? normalizeText(titles.readability) : undefined;
  const documentTitle = titles.document ? normalizeText(titles.document) : undefined;
  const heading = storyHeading(readability, documentTitle, titles);
  if (heading) return heading;
  if (!readability) return documentTitle || undefined;
  if (!documentTitle || documentTitle === readability) return readability;
  const headings = (titles.headings ?? []).map(comparableText).filter((heading) => heading !== '');
  const shown = (text: string): boolean => headings.some((heading) => heading === text || heading.startsWith(`${text} `));

  // Readability cut a kicker: the <title> is its title with "…: " in front.
  if (documentTitle.endsWith(readability)) {
    const kicker = documentTitle.slice(0, -readability.length);
    if (/:\s*$/.test(kicker)) {
      const name = kicker.replace(/:\s*$/, '');
      const isSite = titles.siteName !== undefined && comparableText(titles.siteName) === comparableText(name);
      const opening = comparableText(readability).split(' ').slice(0, 2).join(' ');
      if (!isSite && (shown(`${comparableText(name)} ${opening}`) || (isCapitalKicker(name) && !shown(opening)))) return documentTitle;
      return readability;
    }
  }
  if (headings.includes(comparableText(documentTitle)) && !headings.includes(comparableText(readability))) return documentTitle;
  return readability;
}
