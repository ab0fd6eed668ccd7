import { shortFeedName } from '../parse/feed-name.js';
import type { FeedSource } from '../types.js';

/**
 * A feed's name as the digest shows it (and the section of a feed that names none): the
 * configured name, else the feed's title shortened to the site's name, else the host.
 */
export function displayName(source: FeedSource, title: string | undefined, siteUrl?: string): string {
  if (source.name) return source.name;
  const short = shortFeedName(title, [siteUrl, source.url]);
  if (short) return short;
  try {
    return new URL(source.url).hostname.replace(/^www\./, '');
  } catch {
    return source.url.split(/[\\/]/).pop() ?? source.url;
  }
}
