import type { ResolvedConfig } from '../config/resolve-config.js';
import { addressKey, type StateStore, type SuppressionReason } from '../state/state-store.js';
import { blockFor } from './readers.js';

/**
 * The rules of joining and leaving, apart from HTTP: what a request to join leads to, what a
 * confirmation does, which suppressions a reader may lift themselves.
 *
 * A reader lifts by confirming (double opt-in) or from their preferences page only what their
 * own action, or a mailbox that works again, explains: an unsubscribe, a bounce. A spam complaint
 * or an operator's block is lifted only by the operator (`digest readers add --unsuppress`).
 */

export const SELF_LIFTABLE: ReadonlySet<SuppressionReason> = new Set(['unsubscribed', 'soft-bounce', 'hard-bounce']);

export type ReaderStatus =
  | { kind: 'active' }
  | { kind: 'paused'; until: string }
  | { kind: 'unsubscribed' }
  | { kind: 'blocked'; reason: SuppressionReason }
  | { kind: 'not-a-reader' };

/** Whether `email` is on the list: in the config's recipients or a confirmed subscriber. */
export function isListed(config: Pick<ResolvedConfig, 'recipients'>, store: StateStore, email: string): boolean {
  const key = addressKey(email);
  return config.recipients.some((r) => addressKey(r.email) === key) || store.subscriber(email)?.status === 'confirmed';
}

export function readerStatus(config: Pick<ResolvedConfig, 'recipients'>, store: StateStore, email: string, now: Date): ReaderStatus {
  const block = blockFor(store, email, now);
  if (block?.why === 'paused') return isListed(config, store, email) ? { kind: 'paused', until: block.until! } : { kind: 'not-a-reader' };
  if (block) return SELF_LIFTABLE.has(block.why) ? { kind: 'unsubscribed' } : { kind: 'blocked', reason: block.why };
  return isListed(config, store, email) ? { kind: 'active' } : { kind: 'not-a-reader' };
}

/**
 * What a request to join leads to (the requester is told the same in every case):
 * - confirm: a confirmation email (a new address, a pending one, or one that left and may come back);
 * - already: a note to the address that it is on the list, with its preferences link;
 * - none: nothing (a complaint or an operator's block).
 * A pending request is recorded (with the name given) for `confirm`.
 */
export function requestToJoin(
  config: Pick<ResolvedConfig, 'recipients'>,
  store: StateStore,
  request: { email: string; name?: string | undefined },
  now: Date,
): 'confirm' | 'already' | 'none' {
  const status = readerStatus(config, store, request.email, now);
  if (status.kind === 'blocked') return 'none';
  if (status.kind === 'active' || status.kind === 'paused') return 'already';
  store.upsertSubscriber({ email: request.email, name: request.name, status: 'pending', source: 'web' }, now.toISOString());
  return 'confirm';
}

/**
 * A confirmed request to join (or a reader coming back from their preferences page): a confirmed
 * subscriber (unless the config lists them already), with an unsubscribe or bounce lifted.
 * Refused (false) for an address under a complaint or an operator's block.
 */
export function join(config: Pick<ResolvedConfig, 'recipients'>, store: StateStore, email: string, now: Date): boolean {
  const suppression = store.suppression(email);
  if (suppression && !SELF_LIFTABLE.has(suppression.reason)) return false;
  store.transaction(() => {
    if (suppression) store.unsuppress(email);
    const listedInConfig = config.recipients.some((r) => addressKey(r.email) === addressKey(email));
    if (!listedInConfig) store.upsertSubscriber({ email, status: 'confirmed', source: store.subscriber(email)?.source ?? 'web' }, now.toISOString());
  });
  return true;
}
