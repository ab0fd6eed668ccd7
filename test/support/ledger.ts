import { deterministicMessageId } from '../../src/deliver/compose-message.js';
import type { RenderedDigest } from '../../src/render/render-digest.js';
import { StateStore } from '../../src/state/state-store.js';

/** A run of `content` to `recipients` recorded in a fresh in-memory ledger, as `digest run` records one. */
export function ledgerRun(
  content: RenderedDigest,
  recipients: readonly string[],
  options: { from: string; startedAt: string; itemIds?: string[]; names?: boolean },
): { store: StateStore; runId: number } {
  const store = StateStore.open(':memory:');
  const runId = store.createRun({
    kind: 'run',
    slot: null,
    startedAt: options.startedAt,
    digestHash: content.hash,
    subject: content.subject,
    preheader: content.preheader,
    html: content.html,
    text: content.text,
    marker: content.marker,
    itemIds: options.itemIds ?? [],
    recipients: recipients.map((email, i) => ({
      email,
      ...(options.names ? { name: `Reader ${i}` } : {}),
      fields: {},
      messageId: deterministicMessageId('run1', email, options.from),
    })),
  });
  return { store, runId };
}
