import { isDigestError } from '../errors.js';
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

/**
 * `digest feeds add URL`: checks that the address is a feed (fetching and parsing it); when it is
 * a web page, uses the first feed the page advertises and names the others. The name stored is
 * the site's name from the feed's title ("… | Sky News" → "Sky News"), unless one is given.
 */
export async function findFeed(url: string, options: { name?: string; section?: string; fetch?: Partial<FetchOptions> } = {}): Promise<FoundFeed> {
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
    const [first, ...others] = feeds;
    const found = await fetchResource(first!.url, { allowPrivateNetwork: true, ...options.fetch });
    const parsed = await parseFeed(found.text ?? '', { url: found.url });
    const feedUrl = found.movedTo ?? first!.url;
    const title = parsed.title ?? first!.title;
    return {
      feed: entry(feedUrl, options.name ?? shortFeedName(title, [parsed.link, url, feedUrl])),
      ...(title ? { title } : {}),
      discoveredFrom: url,
      alternatives: others.map((f) => ({ url: f.url, ...(f.title ? { title: f.title } : {}) })),
      items: parsed.items.length,
    };
  }
}
