import { existsSync } from 'node:fs';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { isDigestError } from '../errors.js';
import { shortFeedName } from '../parse/feed-name.js';
import { feedKey } from '../select/item-id.js';
import { StateStore, type FeedState } from '../state/state-store.js';
import type { FeedSource } from '../types.js';

export interface FeedSummary {
  url: string;
  /** The name stories are bylined with: the configured one, else the last title, shortened. */
  name: string | null;
  section: string | null;
  paused: boolean;
  /** include / exclude / minWords, as configured. */
  filters: { include?: string[]; exclude?: string[]; minWords?: number } | null;
  lastSuccess: string | null;
  lastStatus: string | null;
  lastError: string | null;
  consecutiveFailures: number;
  gone: boolean;
  movedTo: string | null;
  needsAttention: boolean;
}

/**
 * What the state remembers of each configured feed (its url → state); empty when there is no
 * state yet. The state knows a feed by its key (a local file's path relative to the config), or,
 * written by an older version, by its absolute path (see StateStore.legacyFeedKeys).
 */
export function feedStates(config: ResolvedConfig): Map<string, FeedState> {
  if (config.statePath !== ':memory:' && !existsSync(config.statePath)) return new Map();
  let store: StateStore | undefined;
  try {
    store = StateStore.open(config.statePath);
    const states = new Map<string, FeedState>();
    for (const feed of [...config.feeds, ...config.pausedFeeds]) {
      const key = feedKey(feed);
      const state = store.findFeed(key, store.legacyFeedKeys(key));
      if (state) states.set(feed.url, state);
    }
    return states;
  } catch (error) {
    // Another program's file named as the state is a mistake to fix, not a state to ignore.
    if (isDigestError(error) && error.code === 'STATE_NOT_OURS') throw error;
    // An unreadable state file: every feed is simply "never fetched" here; `digest run` reports it.
    return new Map();
  } finally {
    store?.close();
  }
}

/** The titles feeds had when last fetched (url → title), so commands can find a feed by the name `digest feeds` shows. */
export function feedTitles(config: ResolvedConfig, states: ReadonlyMap<string, FeedState> = feedStates(config)): Map<string, string> {
  const titles = new Map<string, string>();
  for (const [url, state] of states) {
    const name = shortFeedName(state.title ?? undefined, url);
    if (name) titles.set(url, name);
  }
  return titles;
}

/** `digest feeds`: every configured feed (paused ones last) with its health. */
export function listFeeds(config: ResolvedConfig): FeedSummary[] {
  const states = feedStates(config);
  const row = (feed: FeedSource): FeedSummary => {
    const state = states.get(feed.url);
    const filters = feed.include || feed.exclude || feed.minWords
      ? { ...(feed.include ? { include: feed.include } : {}), ...(feed.exclude ? { exclude: feed.exclude } : {}), ...(feed.minWords ? { minWords: feed.minWords } : {}) }
      : null;
    return {
      url: feed.url,
      name: feed.name ?? shortFeedName(state?.title ?? undefined, feed.url) ?? null,
      section: feed.section ?? null,
      paused: feed.paused === true,
      filters,
      lastSuccess: state?.lastSuccessAt ?? null,
      lastStatus: state?.lastStatus ?? null,
      lastError: state?.lastError ?? null,
      consecutiveFailures: state?.consecutiveFailures ?? 0,
      gone: state?.gone ?? false,
      movedTo: state?.movedTo ?? null,
      // A paused feed is not fetched: its old failures need no attention.
      needsAttention: feed.paused !== true && ((state?.consecutiveFailures ?? 0) >= config.fetch.attentionAfter || Boolean(state?.gone)),
    };
  };
  return [...config.feeds.map(row), ...config.pausedFeeds.map(row)];
}
