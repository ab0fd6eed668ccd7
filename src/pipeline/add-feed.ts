import { FetchError, isDigestError } from '../errors.js';
import { fetchResource, type FetchOptions } from '../fetch/fetch-resource.js';
import { parseFeed } from '../parse/parse-feed.js';
import { shortFeedName } from '../parse/feed-name.js';
import type { FeedSource } from '../types.js';

export interface FoundFeed {
  feed: FeedSource;
  /** The page given was HTML; the feed was found through its <link rel="alternate">. */
  discoveredFrom?: string;
  /** Other feeds the page advertised. */
  alternatives: { url: string; title?: string }[];
  items: number;
  /** The feed's own title; the name stored is the site's name from it, unless one was given. */
  title?: string;
}

export interface FindFeedOptions {
  name?: string;
  section?: string;
  /**
   * Whether a feed link a page names may be on a private address (the config's
   * `fetch.allowPrivateArticles`). A link on the page's own host is followed either way: it is no
   * less trusted than the page the user asked for.
   */
  allowPrivateLinks?: boolean;
  fetch?: Partial<FetchOptions>;
}

/**
 * `digest feeds add URL`: checks that the address is a feed (fetching and parsing it); when it is
 * a web page, uses the first feed the page advertises and names the others. The name stored is
 * the site's name from the feed's title ("… | Sky News" → "Sky News"), unless one is given. The
 * address given is the user's own choice and may be anywhere; the links a page names are someone
 * else's: only http(s) ones count (discoverFeeds), fetched on the same private-address guard as
 * article pages (a link on the page's own host excepted).
 */
export async function findFeed(url: string, options: FindFeedOptions = {}): Promise<FoundFeed> {
  const fetched = await fetchResource(url, { allowPrivateNetwork: true, ...options.fetch });
  // Key order is the order the config file shows: url, name, section.
  const entry = (feedUrl: string, name: string | undefined): FeedSource => ({
    url: feedUrl,
    ...(name ? { name } : {}),
    ...(options.section ? { section: options.section } : {}),
  });
  try {
    const parsed = await parseFeed(fetched.text ?? '', { url: fetched.url });
    const feedUrl = fetched.movedTo ?? url;
    return {
      feed: entry(feedUrl, options.name ?? shortFeedName(parsed.title, [parsed.link, feedUrl])),
      alternatives: [],
      items: parsed.items.length,
      ...(parsed.title ? { title: parsed.title } : {}),
    };
  } catch (error) {
    const feeds = isDigestError(error) && error.code === 'PARSE_HTML_NOT_FEED' ? (error.context.feeds as { url: string; title?: string }[] | undefined) : undefined;
    if (!feeds?.length) throw error;
    const pageOrigin = /^https?:/i.test(fetched.url) ? new URL(fetched.url).origin : undefined;
    const refused: string[] = [];
    for (const [index, candidate] of feeds.entries()) {
      const sameHost = pageOrigin !== undefined && new URL(candidate.url).origin === pageOrigin;
      let found;
      try {
        found = await fetchResource(candidate.url, { ...options.fetch, allowPrivateNetwork: sameHost || options.allowPrivateLinks === true });
      } catch (fetchError) {
        if (isDigestError(fetchError) && fetchError.code === 'FETCH_BLOCKED_ADDRESS') {
          refused.push(`${candidate.url}: ${fetchError.message.replace(/^Refused to fetch \S+: /, '')}`);
          continue;
        }
        throw fetchError;
      }
      const parsed = await parseFeed(found.text ?? '', { url: found.url });
      const feedUrl = found.movedTo ?? candidate.url;
      const title = parsed.title ?? candidate.title;
      return {
        feed: entry(feedUrl, options.name ?? shortFeedName(title, [parsed.link, url, feedUrl])),
        ...(title ? { title } : {}),
        discoveredFrom: url,
        alternatives: feeds.filter((_, other) => other !== index).map((f) => ({ url: f.url, ...(f.title ? { title: f.title } : {}) })),
        items: parsed.items.length,
      };
    }
    throw new FetchError('DISCOVER_BLOCKED', `${url} is a web page; the feeds it points to are not on public addresses, so none was added:\n  ${refused.join('\n  ')}`, {
      context: { feed: url },
      hint: 'A page may not point this tool at your own machine or network. If you trust the address, add the feed URL itself (digest feeds add FEED_URL), or set fetch.allowPrivateArticles: true in the config.',
    });
  }
}
