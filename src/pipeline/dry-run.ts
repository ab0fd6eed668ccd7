import type { ResolvedConfig } from '../config/resolve-config.js';
import { describeOversizedItems, describeSizeReport } from '../render/size-budget.js';
import type { Decision } from '../select/select-items.js';
import type { Digest, FeedFailure } from '../types.js';
import { feedSummary, renderCurrentDigest, type PipelineOptions } from './run-digest.js';

export interface DryRunResult {
  digest: Digest;
  subject: string;
  /** Every item in every feed, with the reason it would be sent or not. */
  decisions: Decision[];
  feeds: { total: number; ok: number; failed: FeedFailure[] };
  recipients: number;
  warnings: string[];
}

/**
 * `digest run --dry-run`: everything the next run would do up to sending, without sending or
 * changing state. Feeds are fetched in full (no conditional GET), so every item can be explained.
 */
export async function dryRun(config: ResolvedConfig, options: PipelineOptions = {}): Promise<DryRunResult> {
  const { built, rendered } = await renderCurrentDigest(config, options, 'dry-run', 'strict');
  return {
    digest: built.digest,
    subject: rendered.subject,
    decisions: built.decisions,
    feeds: feedSummary(built),
    recipients: config.recipients.length,
    warnings: [...config.warnings, ...built.warnings, ...[describeSizeReport(rendered.size) ?? []].flat(), ...describeOversizedItems(rendered.size)],
  };
}

const VERDICT_TEXT: Record<Decision['verdict'], string> = {
  included: 'included',
  seen: 'seen before',
  'too-old': 'too old',
  future: 'dated in the future',
  filtered: 'held back by a filter',
  duplicate: 'duplicate',
  'first-run-backlog': 'first run: older than the newest few',
  'over-feed-limit': 'over the feed’s limit',
  'over-total-limit': 'over the digest’s total limit',
  oversized: 'too big to send',
};

/** Human lines for `--explain`: per feed (in `feedOrder`, the config's order), each item and why it is in or out. */
export function explainLines(decisions: readonly Decision[], feedOrder: readonly string[] = []): string[] {
  const rank = (url: string) => {
    const index = feedOrder.indexOf(url);
    return index === -1 ? feedOrder.length : index;
  };
  // A stable sort keeps each feed's items in the order they were considered (newest first).
  const sorted = [...decisions].sort((a, b) => rank(a.feedUrl) - rank(b.feedUrl));
  const lines: string[] = [];
  let feed: string | undefined;
  for (const decision of sorted) {
    if (decision.feedUrl !== feed) {
      feed = decision.feedUrl;
      lines.push(decision.feed);
    }
    const mark = decision.verdict === 'included' ? '✓' : '·';
    const reason =
      decision.verdict === 'duplicate'
        ? `duplicate of the story in ${decision.detail}`
        : decision.verdict === 'oversized' && decision.detail
          ? `too big to send (${decision.detail})`
          : decision.verdict === 'filtered'
            ? `filtered: ${decision.detail}`
          : VERDICT_TEXT[decision.verdict];
    const date = decision.published ? ` (${decision.published.toISOString().slice(0, 16).replace('T', ' ')})` : '';
    lines.push(`  ${mark} ${reason.padEnd(24)} ${decision.title}${date}`);
  }
  return lines;
}
