import type { ResolvedConfig } from '../config/resolve-config.js';
import type { FeedFailure } from '../types.js';
import { rel } from './context.js';

/** "✗ Feed: message", with a needs-attention note once a feed has failed `attentionAfter` runs in a row. */
export function failureLine(failure: FeedFailure, attentionAfter: number): string {
  const runs = failure.consecutiveFailures ?? 1;
  const attention =
    runs >= attentionAfter
      ? ` — needs attention: failing ${runs} runs in a row${failure.lastSuccessAt ? `, last worked ${failure.lastSuccessAt.slice(0, 10)}` : ', never worked'}`
      : '';
  return `  ✗ ${failure.feed}: ${failure.message}${attention}`;
}

/** "2 paused (not fetched): Sky News, BBC", or undefined when no feed is paused. */
export function pausedLine(config: ResolvedConfig): string | undefined {
  const paused = config.pausedFeeds;
  if (paused.length === 0) return undefined;
  return `  ${paused.length} paused (not fetched): ${paused.map((feed) => feed.name ?? rel(feed.url)).join(', ')}`;
}
