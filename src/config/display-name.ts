import type { FeedSource } from '../types.js';

/** A feed's name as the digest shows it: the config's, else the feed's own title, else its host. */
export function displayName(source: FeedSource, title: string | undefined): string {
  if (source.name) return source.name;
  if (title?.trim()) return title.trim();
  try {
    return new URL(source.url).hostname.replace(/^www\./, '');
  } catch {
    return source.url.split(/[\\/]/).pop() ?? source.url;
  }
}
