import type { ResolvedConfig } from '../config/resolve-config.js';
import type { DeliveryReport } from '../deliver/deliver-run.js';
import { loadBounceSigner } from '../bounces/verp.js';
import { StateError } from '../errors.js';
import { acquireRunLock } from '../state/run-lock.js';
import { StateStore, type RunRow } from '../state/state-store.js';
import { transportForRun } from '../deliver/decide-transport.js';
import { linkSigner } from '../audience/reader-links.js';
import { prepareDelivery, sendRun, storedSettings, type PipelineOptions } from './run-digest.js';

export interface RetryResult {
  runId: number;
  subject: string;
  /** Temporarily failed recipients put back in the queue. */
  requeued: number;
  /** What this retry sent (null when nobody was left to send to). */
  delivery: DeliveryReport | null;
  /** The run's status afterwards. */
  status: RunRow['status'];
  files: { outbox?: string };
  warnings: string[];
}

/**
 * `digest runs retry RUN`: sends a run's digest, exactly as recorded, to its temporarily failed
 * recipients (and any still pending), under the run lock. Recipients already sent to, or refused
 * for good, are left alone, and so is anyone suppressed or paused since (marked `suppressed`).
 */
export async function retryRun(config: ResolvedConfig, runId: number, options: PipelineOptions = {}): Promise<RetryResult> {
  const now = options.now ?? (() => new Date());
  const { dkim, warnings: deliveryWarnings } = await prepareDelivery(config);
  StateStore.inspect(config.statePath);
  // A bounce address needs the real secret: each envelope sender is signed with it.
  loadBounceSigner(config);
  const lock = acquireRunLock(config.statePath, options.command ?? `digest runs retry ${runId}`, now());
  let store: StateStore | undefined;
  try {
    store = StateStore.open(config.statePath, { inspected: true });
    const run = store.getRun(runId);
    if (!run || run.kind !== 'run') {
      throw new StateError('RUN_NOT_FOUND', `there is no run ${runId} in ${config.statePath}`, {
        context: { file: config.statePath },
        hint: '`digest runs` lists the recorded runs and their numbers.',
      });
    }
    const left = store.deliveries(runId, ['pending', 'sending', 'failed-temporary']).length;
    // Over the transport the run was created for, or not at all (before anything is requeued).
    const kind = left > 0 ? (options.transport?.kind ?? transportForRun(config, run, left)) : 'outbox';
    const settings = storedSettings(run, config);
    // A run recorded with signed links cannot be sent without DIGEST_SECRET: refused before
    // anything is requeued.
    linkSigner(config, kind, settings.baseUrl);
    if (config.queueUrl && kind === 'smtp') {
      // Their jobs ended (failed) and are recorded: clear them, so they are enqueued afresh.
      const { releaseFailedJobs } = await import('../queue/coordinate-run.js');
      await releaseFailedJobs(config, store, runId);
    }
    const requeued = store.requeueTemporaryFailures(runId, now().toISOString());
    if (store.deliveries(runId, ['pending', 'sending']).length === 0) {
      return { runId, subject: run.subject, requeued, delivery: null, status: run.status, files: {}, warnings: deliveryWarnings };
    }
    const { delivery, files, warnings } = await sendRun(config, store, runId, run, settings, options, dkim, kind);
    const status = store.finishRun(runId, now().toISOString());
    return { runId, subject: run.subject, requeued, delivery, status, files, warnings: [...deliveryWarnings, ...warnings] };
  } finally {
    store?.close();
    lock.release();
  }
}
