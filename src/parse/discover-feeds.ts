/**
 * Feed autodiscovery: the `<link rel="alternate" type="application/rss+xml" href="…">` tags a web
 * page uses to point at its feeds (https://www.rssboard.org/rss-autodiscovery). Used to tell the
 * user which URL to configure when they gave a page's address instead of its feed's.
 *
 * A small tag scanner rather than a DOM: only `<link>` and `<base>` in markup matter, and it
 * must not choke on the broken HTML that pages are.
 */

import { decodeBasicEntities } from '../text/basic-entities.js';

export interface DiscoveredFeed {
  /** Absolute URL of the feed. */
  url: string;
  title?: string;
  /** The MIME type the page gives, e.g. application/atom+xml. */
  type: string;
}

const FEED_TYPES = new Set([
  'application/rss+xml',
  'application/atom+xml',
  'application/feed+json',
  'application/rdf+xml',
  'application/json', // JSON Feed 1.0 pages often still say this
]);

export function discoverFeeds(html: string, baseUrl: string): DiscoveredFeed[] {
  const markup = stripInert(html.slice(0, 2 * 1024 * 1024));

  let base = baseUrl;
  const baseTag = tagsNamed(markup, 'base').next();
  const baseHref = baseTag.done ? undefined : attributes(baseTag.value).get('href');
  if (baseHref) base = resolve(baseHref, baseUrl) ?? baseUrl;

  const found: DiscoveredFeed[] = [];
  const seen = new Set<string>();
  for (const tag of tagsNamed(markup, 'link')) {
    const attrs = attributes(tag);
    const rel = (attrs.get('rel') ?? '').toLowerCase().split(/\s+/);
    const type = (attrs.get('type') ?? '').toLowerCase().split(';')[0]!.trim();
    const href = attrs.get('href');
    if (!rel.includes('alternate') || !FEED_TYPES.has(type) || !href) continue;
    // application/json is only a feed when it says so; plenty of pages link oEmbed JSON as "alternate".
    if (type === 'application/json' && !/feed/i.test(`${href} ${attrs.get('title') ?? ''}`)) continue;
    const url = resolve(href, base);
    if (!url || seen.has(url)) continue;
    seen.add(url);
    const title = attrs.get('title')?.trim();
    found.push({ url, type, ...(title ? { title } : {}) });
  }
  return found;
}

/**
 * Removes comments, scripts, styles and templates: links inside them are not links.
 * Forward-only (regex lastIndex, never a regex spanning a block), so unclosed blocks cost one
 * pass, not one pass each.
 */
function stripInert(html: string): string {
  const opener = /<!--|<(script|style|template)(?=[\s/>])/gi;
  let out = '';
  let i = 0;
  for (let match = opener.exec(html); match; match = opener.exec(html)) {
    out += html.slice(i, match.index);
    const closer = match[1] ? new RegExp(`</${match[1]}`, 'gi') : /-->/g;
    closer.lastIndex = match.index + match[0].length;
    const end = closer.exec(html);
    if (!end) return out;
    i = end.index + end[0].length;
    opener.lastIndex = i;
  }
  return out + html.slice(i);
}

/** The attribute text of each `<name …>` tag, scanning forward only (an unclosed tag ends the scan). */
function* tagsNamed(markup: string, name: string): Generator<string> {
  const opener = new RegExp(`<${name}(?=[\\s/>])`, 'gi');
  for (let match = opener.exec(markup); match; match = opener.exec(markup)) {
    const afterName = match.index + match[0].length;
    const gt = markup.indexOf('>', afterName);
    if (gt < 0) return;
    yield markup.slice(afterName, gt);
    opener.lastIndex = gt + 1;
  }
}

function attributes(source: string): Map<string, string> {
  const attrs = new Map<string, string>();
  for (const match of source.matchAll(/([^\s"'=<>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'<>`]+)))?/g)) {
    const name = match[1]!.toLowerCase();
    if (attrs.has(name)) continue;
    attrs.set(name, decodeBasicEntities(match[2] ?? match[3] ?? match[4] ?? ''));
  }
  return attrs;
}


/** The link made absolute; only http(s) links count (a page may not point this tool at a local file). */
function resolve(href: string, base: string): string | undefined {
  try {
    const url = new URL(href.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
