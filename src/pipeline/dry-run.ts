import type { ResolvedConfig } from '../config/resolve-config.js';
import { describeOversizedItems } from '../render/size-budget.js';
import type { Decision } from '../select/select-items.js';
import type { Digest, FeedFailure, LeftOutStory } from '../types.js';
import { countExcluded, resolveReaders } from '../audience/readers.js';
import { feedSummary, openStateIfPresent, renderCurrentDigest, type PipelineOptions } from './run-digest.js';

export interface DryRunResult {
  /** The digest as the email would show it: `items` in order, `leftOut` the new stories not in it. */
  digest: Digest;
  subject: string;
  /** Every item in every feed, with the reason it would be sent or not. */
  decisions: Decision[];
  feeds: { total: number; ok: number; failed: FeedFailure[] };
  /** Readers the digest would go to (recipients and confirmed subscribers, less the suppressed and paused). */
  recipients: number;
  /** Readers it would not go to, by reason. */
  excluded: Partial<Record<string, number>>;
  warnings: string[];
}

/**
 * `digest run --dry-run`: everything the next run would do up to sending, without sending or
 * changing state. Feeds are fetched in full (no conditional GET), so every item can be explained.
 */
export async function dryRun(config: ResolvedConfig, options: PipelineOptions = {}): Promise<DryRunResult> {
  const { built, rendered } = await renderCurrentDigest(config, options, 'dry-run', 'strict');
  const store = openStateIfPresent(config);
  let audience;
  try {
    audience = resolveReaders(config, store, (options.now ?? (() => new Date()))());
  } finally {
    store?.close();
  }
  return {
    digest: rendered.digest,
    subject: rendered.subject,
    decisions: built.decisions,
    feeds: feedSummary(built),
    recipients: audience.readers.length,
    excluded: countExcluded(audience.excluded),
    // A story too big for any email is named here as the run names it (it is left out for good).
    warnings: [...config.warnings, ...built.warnings, ...describeOversizedItems(rendered.size)],
  };
}

type Shown = Decision['verdict'] | 'size-budget';

const VERDICT_TEXT: Record<Shown, string> = {
  included: 'included',
  'size-budget': 'over the size budget: carried to the next digest',
  seen: 'seen before',
  'too-old': 'too old',
  future: 'dated in the future: offered again later',
  filtered: 'held back by a filter',
  duplicate: 'duplicate',
  'first-run-backlog': 'first run, older than the newest few: listed',
  'over-feed-limit': 'over the feed’s limit: listed',
  'over-total-limit': 'over the digest’s total limit: listed',
  oversized: 'too big to send',
};

/**
 * Human lines for `--explain`: per feed (in `feedOrder`, the config's order), a heading with its
 * counts per reason ("Daring Fireball: 5 included, 12 over the feed’s limit, 3 seen before"),
 * then each item and why it is in or out.
 */
export function explainLines(decisions: readonly Decision[], feedOrder: readonly string[] = [], leftOut: readonly LeftOutStory[] = []): string[] {
  const bySize = new Set(leftOut.filter((story) => story.reason === 'size-budget' && story.carriedOver).map((story) => story.id));
  // Too big for any email on its own: left out for good (the run records it so).
  const tooBig = new Set(leftOut.filter((story) => story.reason === 'size-budget' && !story.carriedOver).map((story) => story.id));
  const shown = (decision: Decision): Shown =>
    decision.verdict === 'included' && bySize.has(decision.id) ? 'size-budget' : decision.verdict === 'included' && tooBig.has(decision.id) ? 'oversized' : decision.verdict;
  const rank = (url: string) => {
    const index = feedOrder.indexOf(url);
    return index === -1 ? feedOrder.length : index;
  };
  // A stable sort keeps each feed's items in the order they were considered (newest first).
  const sorted = [...decisions].sort((a, b) => rank(a.feedUrl) - rank(b.feedUrl));
  const lines: string[] = [];
  for (let start = 0; start < sorted.length; ) {
    let end = start;
    while (end < sorted.length && sorted[end]!.feedUrl === sorted[start]!.feedUrl) end++;
    const group = sorted.slice(start, end);
    const counts = new Map<Shown, number>();
    for (const decision of group) counts.set(shown(decision), (counts.get(shown(decision)) ?? 0) + 1);
    const order = Object.keys(VERDICT_TEXT) as Shown[];
    const summary = order.filter((verdict) => counts.has(verdict)).map((verdict) => `${counts.get(verdict)} ${VERDICT_TEXT[verdict].split(':')[0]}`);
    lines.push(`${group[0]!.feed}: ${summary.join(', ')}`);
    for (const decision of group) {
      const verdict = shown(decision);
      const mark = verdict === 'included' ? '✓' : '·';
      const reason =
        verdict === 'duplicate'
          ? `duplicate of the story in ${decision.detail}`
          : (verdict === 'too-old' || verdict === 'filtered') && decision.detail
            ? `${verdict === 'too-old' ? 'too old' : 'filtered'}: ${decision.detail}`
            : verdict === 'oversized' && decision.detail
              ? `too big to send (${decision.detail})`
              : VERDICT_TEXT[verdict];
      const date = decision.published ? ` (${decision.published.toISOString().slice(0, 16).replace('T', ' ')})` : '';
      lines.push(`  ${mark} ${reason.padEnd(24)} ${decision.title}${date}`);
    }
    start = end;
  }
  return lines;
}

/**
 * One line saying how many items the age limit held back, for `--dry-run`; null when none were.
 * Feeds with their own `maxAgeDays` are counted too (their lines in `--explain` give the limit).
 */
export function ageLimitNote(decisions: readonly Decision[], maxAgeDays: number): string | null {
  const old = decisions.filter((decision) => decision.verdict === 'too-old');
  if (old.length === 0) return null;
  const feeds = new Set(old.map((decision) => decision.feedUrl)).size;
  const limit = maxAgeDays > 0 ? `limits.maxAgeDays is ${maxAgeDays}` : 'limits.maxAgeDays is 0 (off), but some feeds set their own maxAgeDays';
  return `${old.length} item${old.length === 1 ? '' : 's'} from ${feeds} feed${feeds === 1 ? '' : 's'} held back as too old (${limit}; a feed's own maxAgeDays wins, 0 turns the limit off).`;
}
