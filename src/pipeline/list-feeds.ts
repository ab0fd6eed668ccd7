import { existsSync } from 'node:fs';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { feedKey } from '../select/item-id.js';
import { StateStore, type FeedState } from '../state/state-store.js';
import type { FeedSource } from '../types.js';

/** A configured feed with what the state remembers of its last fetches (`digest feeds`). */
export interface FeedSummary {
  url: string;
  /** The config's name, else the feed's own title, else null. */
  name: string | null;
  section: string | null;
  lastSuccess: string | null;
  lastStatus: string | null;
  lastError: string | null;
  consecutiveFailures: number;
  gone: boolean;
  movedTo: string | null;
  /** Failing `fetch.attentionAfter` runs in a row, or gone (HTTP 410). */
  needsAttention: boolean;
}

/** The configured feeds in config order, with their health; feeds never fetched have no history. */
export function listFeeds(config: ResolvedConfig): FeedSummary[] {
  const health = new Map<FeedSource, FeedState>();
  if (config.statePath === ':memory:' || existsSync(config.statePath)) {
    const store = StateStore.open(config.statePath);
    try {
      for (const feed of config.feeds) {
        const key = feedKey(feed);
        const state = store.findFeed(key, store.legacyFeedKeys(key));
        if (state) health.set(feed, state);
      }
    } finally {
      store.close();
    }
  }
  return config.feeds.map((feed) => {
    const state = health.get(feed);
    const consecutiveFailures = state?.consecutiveFailures ?? 0;
    return {
      url: feed.url,
      name: feed.name ?? state?.title ?? null,
      section: feed.section ?? null,
      lastSuccess: state?.lastSuccessAt ?? null,
      lastStatus: state?.lastStatus ?? null,
      lastError: state?.lastError ?? null,
      consecutiveFailures,
      gone: state?.gone ?? false,
      movedTo: state?.movedTo ?? null,
      needsAttention: consecutiveFailures >= config.fetch.attentionAfter || Boolean(state?.gone),
    };
  });
}
