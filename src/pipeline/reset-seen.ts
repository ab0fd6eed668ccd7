import { existsSync } from 'node:fs';
import { findFeedByQuery } from '../config/edit-feeds.js';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { displayPath } from '../errors.js';
import { acquireRunLock } from '../state/run-lock.js';
import { StateStore } from '../state/state-store.js';
import { feedStates, feedTitles } from './list-feeds.js';

export interface ResetPlan {
  /** The feed to reset, or undefined for every feed. */
  feed?: { url: string; name?: string };
  /** Stories remembered as seen that would be forgotten. */
  seen: number;
  /** Of those, the ones in a digest still being delivered: kept. */
  inUnfinishedRun: number;
  /** No state file yet: nothing was ever seen. */
  noState: boolean;
}

export interface ResetResult extends ResetPlan {
  forgotten: number;
  kept: number;
}

/**
 * What `digest reset [FEED]` would forget, for its confirmation. FEED is a configured feed's name
 * or address, or the address of one that is no longer configured but still remembered.
 */
export function planReset(config: ResolvedConfig, query?: string): ResetPlan {
  let feed: ResetPlan['feed'];
  if (query !== undefined) {
    const states = feedStates(config);
    const configured = [...config.feeds, ...config.pausedFeeds];
    const known = new Set(configured.map((f) => f.url));
    const candidates: { url: string; name?: string }[] = [...configured.map((f) => ({ url: f.url, ...(f.name ? { name: f.name } : {}) })), ...[...states.keys()].filter((url) => !known.has(url)).map((url) => ({ url }))];
    const where = config.source ? `${displayPath(config.source)} or the state` : 'the feeds or the state';
    const titles = feedTitles(config, states);
    const [found] = findFeedByQuery(candidates, query, { titles, where });
    const name = found!.name ?? titles.get(found!.url);
    feed = { url: found!.url, ...(name ? { name } : {}) };
  }
  if (config.statePath !== ':memory:' && !existsSync(config.statePath)) return { ...(feed ? { feed } : {}), seen: 0, inUnfinishedRun: 0, noState: true };
  const store = StateStore.open(config.statePath);
  try {
    const counts = store.seenCounts(feed?.url);
    return { ...(feed ? { feed } : {}), seen: counts.seen, inUnfinishedRun: counts.inUnfinishedRun, noState: false };
  } finally {
    store.close();
  }
}

/**
 * Forgets what was seen (see `StateStore.forgetSeen` for what stays), under the run lock: never
 * while a run or the scheduler is working with the same state.
 */
export function resetSeen(config: ResolvedConfig, plan: ResetPlan, now: Date = new Date()): ResetResult {
  if (plan.noState) return { ...plan, forgotten: 0, kept: 0 };
  const lock = acquireRunLock(config.statePath, 'digest reset', now);
  try {
    const store = StateStore.open(config.statePath);
    try {
      return { ...plan, ...store.forgetSeen(plan.feed?.url) };
    } finally {
      store.close();
    }
  } finally {
    lock.release();
  }
}
