import { normalizeText } from './normalize-text.js';

/**
 * Which of a page's titles is the headline its reader sees. Readability's title is the default
 * (it reads JSON-LD, Open Graph and Dublin Core before the <title> element), with two
 * corrections where the page itself shows something else:
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

function comparable(text: string): string {
  return normalizeText(text)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** "NO DEAL", "BREAKING", "WATCH": letters all in capitals, a word or three. */
function isCapitalKicker(kicker: string): boolean {
  const letters = kicker.replace(/[^\p{L}]/gu, '');
  return letters.length >= 2 && letters === letters.toUpperCase() && letters !== letters.toLowerCase() && kicker.trim().split(/\s+/).length <= 4;
}

export function choosePageTitle(titles: PageTitles): string | undefined {
  const readability = titles.readability ? normalizeText(titles.readability) : undefined;
  const documentTitle = titles.document ? normalizeText(titles.document) : undefined;
  if (!readability) return documentTitle || undefined;
  if (!documentTitle || documentTitle === readability) return readability;
  const headings = (titles.headings ?? []).map(comparable).filter((heading) => heading !== '');
  const shown = (text: string): boolean => headings.some((heading) => heading === text || heading.startsWith(`${text} `));

  // Readability cut a kicker: the <title> is its title with "…: " in front.
  if (documentTitle.endsWith(readability)) {
    const kicker = documentTitle.slice(0, -readability.length);
    if (/:\s*$/.test(kicker)) {
      const name = kicker.replace(/:\s*$/, '');
      const isSite = titles.siteName !== undefined && comparable(titles.siteName) === comparable(name);
      const opening = comparable(readability).split(' ').slice(0, 2).join(' ');
      if (!isSite && (shown(`${comparable(name)} ${opening}`) || (isCapitalKicker(name) && !shown(opening)))) return documentTitle;
      return readability;
    }
  }
  if (headings.includes(comparable(documentTitle)) && !headings.includes(comparable(readability))) return documentTitle;
  return readability;
}
