/**
 * A feed's display name from its `<title>`: the site's name without the tagline or page name
 * that titles often carry ("The Latest News from the UK and Around the World | Sky News" → "Sky
 * News"), since it is every story's byline in the digest.
 *
 * Titles are cut at separators written with spaces around them (" | ", " - ", " – ", " — ",
 * " · ", " » ", " > ", " :: "), never at a colon or a slash ("bioRxiv Subject Collection: Plant
 * Biology", "AC/DC" stay whole). Of the pieces, generic ones ("Home", "Latest news",
 * "Startseite") are dropped, and the site's name is the piece that matches the site's address
 * (news.sky.com → "Sky News", nytimes.com → "NYT"); without such a piece, the one a title usually
 * puts the site in: last after a "|", first otherwise ("Livemint - News" → "Livemint").
 */

const SEPARATOR = /\s+(?:[|–—·•»›>]|-{1,2}|::)\s+|\s*\|\s*/;

/** Pieces of a title that name a page or a section, not the site. Compared lowercased, without diacritics. */
const GENERIC = new Set([
  'home', 'homepage', 'home page', 'front page', 'main page', 'start', 'startseite', 'accueil', 'inicio', 'portada', 'forside', 'etusivu',
  'news', 'latest', 'latest news', 'all news', 'top news', 'top stories', 'latest stories', 'headlines', 'breaking news', 'news feed',
  'rss', 'rss feed', 'atom feed', 'feed', 'all', 'all posts', 'all content', 'all stories', 'all articles', 'posts', 'articles', 'stories',
  'blog', 'the blog', 'official site', 'official website', 'website', 'nachrichten', 'aktuelles', 'actualites', 'noticias', 'notizie', 'nieuws',
]);

/** Host labels that say nothing about the site. */
const HOST_NOISE = new Set(['www', 'feeds', 'feed', 'rss', 'atom', 'blog', 'blogs', 'news', 'api', 'm', 'static', 'cdn', 'content', 'xml']);
/** Second-level labels under country codes (bbc.co.uk, abc.net.au). */
const SECOND_LEVEL = new Set(['co', 'com', 'org', 'net', 'ac', 'gov', 'edu', 'ne', 'or', 'go', 'gv']);

/** Lowercase, diacritics and everything but letters and digits removed: "fboës" → "fboes". */
function squash(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

/** The labels of a host that can name the site: "feeds.bbci.co.uk" → ["bbci"], "news.sky.com" → ["sky"]. */
function siteLabels(url: string | undefined): string[] {
  if (!url) return [];
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return [];
  }
  if (!host || /^[\d.]+$/.test(host) || host.includes(':')) return [];
  const labels = host.split('.').filter(Boolean);
  labels.pop(); // the top-level domain
  if (labels.length > 1 && SECOND_LEVEL.has(labels[labels.length - 1]!) && host.split('.').pop()!.length === 2) labels.pop();
  return labels.map(squash).filter((label) => label.length >= 3 && !HOST_NOISE.has(label));
}

function isGeneric(piece: string): boolean {
  return GENERIC.has(piece.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^\p{L}\p{N} ]/gu, '').replace(/\s+/g, ' ').trim());
}

/** Whether a piece of the title names the site at one of these host labels. */
function namesSite(piece: string, labels: readonly string[]): boolean {
  const squashed = squash(piece);
  if (squashed.length < 2) return false;
  return labels.some((label) => squashed.includes(label) || (squashed.length >= 3 && label.startsWith(squashed)));
}

/** Titles blog platforms give every feed: the name is inside. */
const PLATFORM_TITLES = [
  /^Stories by (.+) on Medium$/i, // Medium: "Stories by Liz Marley on Medium"
  /^(?:Posts|Articles|Blog|Notes) on (.+)$/i, // Hugo's default: "Posts on My Site"
];

/**
 * The short display name for a feed titled `title`, whose site is at `siteUrl` (the feed's home
 * page link, else the feed's own address). Undefined when the title is empty.
 */
export function shortFeedName(title: string | undefined, siteUrl?: string | readonly (string | undefined)[]): string | undefined {
  const whole = title?.replace(/\s+/g, ' ').trim();
  if (!whole) return undefined;
  for (const pattern of PLATFORM_TITLES) {
    const inner = pattern.exec(whole)?.[1]?.trim();
    if (inner) return shortFeedName(inner, siteUrl);
  }
  const pieces = whole.split(SEPARATOR).map((piece) => piece.trim()).filter(Boolean);
  // "2 > 1", "A - B" are not a site and a tagline: every piece must be words.
  if (pieces.length <= 1 || pieces.some((piece) => !/\p{L}.*\p{L}/su.test(piece))) return whole;
  const specific = pieces.filter((piece) => !isGeneric(piece));
  if (specific.length === 0) return whole;
  if (specific.length === 1) return specific[0];
  const urls = typeof siteUrl === 'string' ? [siteUrl] : (siteUrl ?? []);
  for (const url of urls) {
    const labels = siteLabels(url);
    const named = specific.find((piece) => namesSite(piece, labels));
    if (named) return named;
  }
  // "Page | Site" puts the site last; "Site - tagline", "Site » Section" put it first.
  const firstSeparator = SEPARATOR.exec(whole)?.[0].trim();
  return firstSeparator === '|' ? specific[specific.length - 1] : specific[0];
}
