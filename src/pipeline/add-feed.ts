import { isDigestError } from '../errors.js';
import { fetchResource, type FetchOptions } from '../fetch/fetch-resource.js';
import { parseFeed } from '../parse/parse-feed.js';
import type { FeedSource } from '../types.js';

export interface FoundFeed {
  feed: FeedSource;
  /** The page given was HTML; the feed was found through its <link rel="alternate">. */
  discoveredFrom?: string;
  /** Other feeds the page advertised. */
  alternatives: { url: string; title?: string }[];
  items: number;
}

/**
 * `digest feeds add URL`: checks that the address is a feed (fetching and parsing it); when it is
 * a web page, uses the first feed the page advertises and names the others.
 */
export async function findFeed(url: string, options: { name?: string; section?: string; fetch?: Partial<FetchOptions> } = {}): Promise<FoundFeed> {
  const fetched = await fetchResource(url, { allowPrivateNetwork: true, ...options.fetch });
  const extra = { ...(options.name ? { name: options.name } : {}), ...(options.section ? { section: options.section } : {}) };
  try {
    const parsed = await parseFeed(fetched.text ?? '', { url: fetched.url });
    const name = options.name ?? parsed.title;
    return { feed: { url: fetched.movedTo ?? url, ...extra, ...(name ? { name } : {}) }, alternatives: [], items: parsed.items.length };
  } catch (error) {
    const feeds = isDigestError(error) && error.code === 'PARSE_HTML_NOT_FEED' ? (error.context.feeds as { url: string; title?: string }[] | undefined) : undefined;
    if (!feeds?.length) throw error;
    const [first, ...others] = feeds;
    const found = await fetchResource(first!.url, { allowPrivateNetwork: true, ...options.fetch });
    const parsed = await parseFeed(found.text ?? '', { url: found.url });
    const name = options.name ?? parsed.title ?? first!.title;
    return {
      feed: { url: found.movedTo ?? first!.url, ...extra, ...(name ? { name } : {}) },
      discoveredFrom: url,
      alternatives: others.map((f) => ({ url: f.url, ...(f.title ? { title: f.title } : {}) })),
      items: parsed.items.length,
    };
  }
}
