import type { FeedFailure } from '../types.js';

/** "✗ Feed: message", with a needs-attention note once a feed has failed `attentionAfter` runs in a row. */
export function failureLine(failure: FeedFailure, attentionAfter: number): string {
  const runs = failure.consecutiveFailures ?? 1;
  const attention =
    runs >= attentionAfter
      ? ` — needs attention: failing ${runs} runs in a row${failure.lastSuccessAt ? `, last worked ${failure.lastSuccessAt.slice(0, 10)}` : ', never worked'}`
      : '';
  return `  ✗ ${failure.feed}: ${failure.message}${attention}`;
}
