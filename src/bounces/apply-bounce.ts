import type { NewBounceEvent, StateStore, SuppressionReason } from '../state/state-store.js';

/**
 * What a bounce or complaint does to a reader: the one policy, whichever way the bounce arrived
 * (`digest bounces` reading a mailbox, or a provider's webhook).
 *  - hard bounce → suppressed as `hard-bounce`; complaint → suppressed as `complaint`, at once;
 *  - soft bounce → counted; suppressed as `soft-bounce` once the reader soft-bounced in
 *    `softLimit` different runs within `softWindowDays` (notices without a run count each);
 *  - blocked, delayed → recorded only: they say nothing against the reader's address.
 * The same notice (by its key) recorded twice for a reader counts once.
 */

export interface BouncePolicy {
  softLimit: number;
  softWindowDays: number;
}

/** One bounce or complaint about a reader: what is recorded (see NewBounceEvent), and more. */
export interface BounceEvent extends Pick<NewBounceEvent, 'noticeKey' | 'email' | 'runId' | 'kind' | 'status' | 'reason' | 'source'> {
  /** Kept with a suppression: the reason, the server's words, where the notice came from. */
  detail: string;
  /** Who suppresses, as the suppression list shows it: `bounces`, `webhook`. */
  suppressedBy: string;
  occurredAt: Date;
  now: Date;
}

export type BounceEffect =
  | { action: 'suppressed'; suppressedAs: SuppressionReason; softBounces?: number }
  | { action: 'counted'; softBounces: number }
  | { action: 'recorded' }
  | { action: 'duplicate' };

/**
 * Records `event` and applies the policy; returns what it did. Call it inside a transaction (the
 * record and the suppression belong together). With `dryRun` it writes nothing and returns what
 * it would do.
 */
export function applyBounce(store: StateStore, event: BounceEvent, policy: BouncePolicy, options: { dryRun?: boolean } = {}): BounceEffect {
  const dryRun = options.dryRun ?? false;
  if (dryRun) {
    if (store.hasBounceNotice(event.noticeKey)) return { action: 'duplicate' };
  } else {
    const occurred = event.occurredAt.getTime() <= event.now.getTime() && !Number.isNaN(event.occurredAt.getTime()) ? event.occurredAt : event.now;
    const recorded = store.recordBounceEvent({
      noticeKey: event.noticeKey,
      email: event.email,
      runId: event.runId,
      kind: event.kind,
      status: event.status,
      reason: event.reason,
      source: event.source,
      occurredAt: occurred.toISOString(),
      recordedAt: event.now.toISOString(),
    });
    if (!recorded) return { action: 'duplicate' };
  }
  if (event.kind === 'hard' || event.kind === 'complaint') {
    const reason: SuppressionReason = event.kind === 'hard' ? 'hard-bounce' : 'complaint';
    if (!dryRun) store.suppress(event.email, reason, event.suppressedBy, event.detail);
    return { action: 'suppressed', suppressedAs: reason };
  }
  if (event.kind === 'soft') {
    const since = new Date(event.now.getTime() - policy.softWindowDays * 86_400_000).toISOString();
    const count = store.softBounceRuns(event.email, since) + (dryRun ? 1 : 0);
    if (count < policy.softLimit) return { action: 'counted', softBounces: count };
    if (!dryRun) store.suppress(event.email, 'soft-bounce', event.suppressedBy, `${count} soft bounces in ${policy.softWindowDays} days; last: ${event.detail}`);
    return { action: 'suppressed', suppressedAs: 'soft-bounce', softBounces: count };
  }
  return { action: 'recorded' };
}
