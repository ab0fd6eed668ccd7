import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ResolvedConfig } from '../config/resolve-config.js';
import type { DigestItem, FeedFailure, LeftOutStory } from '../types.js';
import { writeFileAtomic } from '../pipeline/write-preview.js';

/**
 * The feed data the preview server renders from: the stories of one fetch, kept in memory and in
 * a file beside the state (`.digest/preview-cache.json`), so that saving a template, or starting
 * the server again, never fetches the feeds. They are fetched again on demand (the page's
 * "Refresh feeds" button, `digest serve --refresh`), or when the config changes what is fetched
 * or how stories are chosen and trimmed (`feedSignature`).
 */
export interface PreviewCache {
  /** 3 since left-out stories are kept (2: images carry their size); older caches are fetched again. */
  version: 3;
  /** feedSignature() of the config the stories were fetched with. */
  signature: string;
  fetchedAt: string;
  items: DigestItem[];
  /** New stories not among `items` (listed under "More from …", carried over, held back). */
  leftOut: LeftOutStory[];
  failures: FeedFailure[];
  feeds: { total: number; ok: number };
  /** Problems met while fetching (an article page that could not be read). */
  warnings: string[];
  /** Nothing was new, so the latest stories are shown (as `digest preview` does). */
  fellBackToLatest: boolean;
}

/** The settings that change which stories there are and how they are trimmed. */
export function feedSignature(config: Pick<ResolvedConfig, 'feeds' | 'limits' | 'fetch'>): string {
  return JSON.stringify({ feeds: config.feeds, limits: config.limits, fetch: config.fetch });
}

/** Where the cache lives: beside the state file; nowhere (memory only) for an in-memory state. */
export function previewCacheFile(config: Pick<ResolvedConfig, 'statePath'>): string | undefined {
  return config.statePath === ':memory:' ? undefined : path.join(path.dirname(config.statePath), 'preview-cache.json');
}

/** Reads the cache; undefined when there is none or it cannot be used (then the feeds are fetched). */
export function readPreviewCache(file: string | undefined): PreviewCache | undefined {
  if (!file || !existsSync(file)) return undefined;
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as PreviewCache;
    if (data.version !== 3 || !Array.isArray(data.items) || !Array.isArray(data.leftOut)) return undefined;
    // JSON has no dates: bring back the ones templates format.
    for (const item of [...data.items, ...data.leftOut]) item.published = item.published ? new Date(item.published) : null;
    return data;
  } catch {
    return undefined;
  }
}

export function writePreviewCache(file: string | undefined, cache: PreviewCache): void {
  if (file) writeFileAtomic(file, `${JSON.stringify(cache)}\n`);
}
