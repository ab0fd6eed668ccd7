import type { ResolvedConfig } from '../config/resolve-config.js';
import { writeOpml, type OpmlFeed } from '../config/write-opml.js';
import { listFeeds } from './list-feeds.js';

export interface ExportResult {
  opml: string;
  feeds: number;
  /** Local files: no other feed reader could read them, so they are left out. */
  leftOut: string[];
}

/**
 * `digest feeds export`: the configured feeds (paused ones too, marked) as OPML 2.0, with their
 * sections as folders and their display names, for another feed reader or a backup.
 */
export function exportFeeds(config: ResolvedConfig, now: Date = new Date()): ExportResult {
  const feeds: OpmlFeed[] = [];
  const leftOut: string[] = [];
  // In the config's order, paused feeds after the others (in their section's folder when they have one).
  for (const row of listFeeds(config)) {
    if (!/^https?:\/\//i.test(row.url)) {
      leftOut.push(row.url);
      continue;
    }
    feeds.push({
      url: row.url,
      name: row.name ?? hostOf(row.url),
      ...(row.section ? { section: row.section } : {}),
      ...(row.paused ? { paused: true } : {}),
    });
  }
  return { opml: writeOpml(feeds, { title: `${config.title}: feeds`, now }), feeds: feeds.length, leftOut };
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname.replace(/^www\./, '');
  } catch {
    return url;
  }
}
