import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { runKey } from '../deliver/compose-message.js';
import type { DeliveryReport, DeliverySettings } from '../deliver/deliver-run.js';
import { rateWindow } from '../deliver/transports.js';
import { blockFor } from '../audience/readers.js';
import { StateError } from '../errors.js';
import type { DeliveryRow, ReportedOutcome, StateStore, StoredRendering } from '../state/state-store.js';
import { queueLabel } from './queue-label.js';
import { openRedis, watchConnection } from './redis-connection.js';
import { forgetRun, KEY_PREFIX, runTag, SEND_JOB, sendJobId, storeRun, tagOfJob, type SendJobData, type SendJobResult, type StoredRun } from './send-jobs.js';

/**
 * The coordinator: `digest run` with a delivery queue. The run is built, rendered and recorded in
 * the ledger as always; instead of sending, this stores the rendering in Redis, enqueues one job
 * per reader still to send (job ids named after run and reader, so nobody is enqueued twice),
 * then follows the workers' reports and folds each into the ledger. The ledger stays the record:
 * a reader is `sent` only once a worker reported the server's acceptance, and a job leaves Redis
 * only once its outcome is on disk here, so a coordinator killed at any moment and started again
 * picks up exactly where it was.
 */

export interface CoordinateOptions {
  now: () => Date;
  /** First retry delay of a temporary failure (doubles each time), in ms. */
  retryDelayMs: number;
  /** Stops enqueueing and following (not the workers): the run stays unfinished, the jobs queued. */
  signal?: AbortSignal | undefined;
  onProgress?: ((done: number, total: number, recipient: string) => void) | undefined;
  /** Lines for the operator: what was enqueued, workers missing, Redis lost and back. */
  onNotice?: ((message: string) => void) | undefined;
  /** How long without any report before the coordinator checks every job itself (doubling while nothing moves). */
  sweepAfterMs?: number;
}

/** Jobs per Redis round trip. */
const PAGE = 1000;
/** Pages being enqueued at once. */
const ENQUEUE_PARALLEL = 4;
/** Events BullMQ keeps in its stream; reports that fall out of it are found by a sweep instead. */
const EVENTS_KEPT = 50_000;
/** No report for this long: say how many workers are connected. */
const QUIET_NOTICE_MS = 60_000;

interface Outcome extends ReportedOutcome {
  jobId: string;
}


const count = (n: number) => n.toLocaleString('en-GB');

/** The first problem with a run the queue should finish, if any: it was handed to another queue. */
function queueMismatch(config: ResolvedConfig, settings: DeliverySettings, runId: number): StateError | undefined {
  const here = queueLabel(config.queueUrl!, config.delivery.queueName);
  if (!settings.queue || settings.queue === here) return undefined;
  return new StateError('QUEUE_MISMATCH', `run ${runId} was handed to the queue ${settings.queue}, but the config now names ${here}`, {
    context: { queue: here },
    hint: `Finish it through the queue it was handed to (set DIGEST_QUEUE_URL to that Redis, and delivery.queueName), so its workers' reports are recorded and nobody gets a second copy; then change the queue.`,
  });
}

export async function coordinateRun(
  config: ResolvedConfig,
  store: StateStore,
  runId: number,
  rendering: Pick<StoredRendering, 'subject' | 'html' | 'text' | 'marker'>,
  settings: DeliverySettings,
  options: CoordinateOptions,
): Promise<DeliveryReport> {
  const url = config.queueUrl;
  if (!url) throw new Error('coordinateRun needs a queue URL');
  const mismatch = queueMismatch(config, settings, runId);
  if (mismatch) throw mismatch;
  const run = store.getRun(runId);
  if (!run) throw new Error(`run ${runId} is not in the ledger`);
  const queueName = config.delivery.queueName;
  const label = queueLabel(url, queueName);
  const key = runKey(run);
  const tag = runTag(key);
  const notice = (message: string) => options.onNotice?.(message);
  const signal = options.signal;
  const report: DeliveryReport = { transport: `queue ${label}`, kind: 'smtp', queue: label, sent: 0, written: 0, failedTemporary: 0, failedPermanent: 0, pending: 0, suppressed: 0, problems: [] };

  const client = openRedis(url);
  const queue = new Queue<SendJobData, SendJobResult>(queueName, { connection: client, prefix: KEY_PREFIX, streams: { events: { maxLen: EVENTS_KEPT } } });
  queue.on('error', () => {});
  let events: QueueEvents | undefined;
  let eventsClient: Redis | undefined;
  let redisLost = false;
  let sweepWanted = false;
  const unwatch = watchConnection(
    client,
    (reason) => {
      redisLost = true;
      notice(`lost the connection to Redis at ${label} (${reason}): waiting for it; nothing is recorded as sent until a worker's report arrives`);
    },
    () => {
      redisLost = false;
      sweepWanted = true;
      notice(`Redis at ${label} is back: following the run again`);
    },
  );

  try {
    // The global rate limit is the queue's (BullMQ's limiter): every worker obeys it, wherever it runs.
    if (config.delivery.rateLimit > 0) {
      const window = rateWindow(config.delivery.rateLimit);
      await queue.setGlobalRateLimit(window.limit, window.delta);
    } else {
      await queue.removeGlobalRateLimit();
    }
    // Readers who chose some sections get their variant of the run: the workers need those too.
    const variants: NonNullable<StoredRun['variants']> = {};
    for (const name of store.runVariantNames(runId)) {
      const variant = store.runVariant(runId, name)!;
      variants[name] = { subject: variant.subject, html: variant.html, text: variant.text, marker: variant.marker };
    }
    await storeRun(client, queueName, tag, { key, runId, rendering: { subject: rendering.subject, html: rendering.html, text: rendering.text, marker: rendering.marker }, variants, settings });
    // Reports that arrive while enqueueing are read from here on once following starts.
    const lastEvent = ((await client.xrevrange(queue.keys.events!, '+', '-', 'COUNT', 1)) as [string, string[]][])[0]?.[0] ?? '0-0';

    // 1. Enqueue every reader still to send. A job already there (a coordinator that ran before
    //    and died, or one still running elsewhere) is left alone.
    const enqueue = await enqueueReaders();
    if (enqueue.total > 0) {
      const parts = [`${count(enqueue.added)} enqueued on ${label}`];
      if (enqueue.already) parts.push(`${count(enqueue.already)} already there`);
      notice(`Run ${runId}: ${parts.join(', ')} (${(enqueue.ms / 1000).toFixed(1)} s).`);
    }
    if (signal?.aborted) return finish();

    // 2. Follow the workers' reports until nobody is left to send to.
    eventsClient = openRedis(url);
    const outcomes: Outcome[] = [];
    const failures: { jobId: string; reason: string }[] = [];
    let wake: (() => void) | undefined;
    const kick = () => wake?.();
    events = new QueueEvents(queueName, { connection: eventsClient, prefix: KEY_PREFIX, lastEventId: lastEvent, autorun: true });
    events.on('error', () => {});
    events.on('completed', ({ jobId, returnvalue }) => {
      if (tagOfJob(jobId) !== tag) return;
      outcomes.push(fromResult(jobId, returnvalue as unknown as SendJobResult));
      if (outcomes.length >= PAGE) kick();
    });
    events.on('failed', ({ jobId, failedReason }) => {
      if (tagOfJob(jobId) !== tag) return;
      failures.push({ jobId, reason: failedReason });
    });

    let remaining = unsettled();
    const total = remaining;
    let done = 0;
    let lastRecipient = '';
    let lastReport = Date.now();
    let quietFor = options.sweepAfterMs ?? 10_000;
    let lastQuietNotice = Date.now();
    const onAbort = () => kick();
    signal?.addEventListener('abort', onAbort);

    const fold = async (batch: Outcome[]): Promise<void> => {
      if (batch.length === 0) return;
      const changed = store.recordOutcomes(runId, batch, options.now().toISOString());
      await store.sync();
      // Only now, with the outcome on disk, may a job leave Redis.
      await Promise.all(batch.map((o) => queue.remove(o.jobId).catch(() => 0)));
      for (const o of changed) {
        if (o.status === 'sent') report.sent++;
        else {
          if (o.status === 'failed-permanent') report.failedPermanent++;
          else report.failedTemporary++;
          report.problems.push({ recipient: o.recipient, status: o.status as 'failed-permanent' | 'failed-temporary', message: o.error ?? '' });
        }
        lastRecipient = o.recipient;
      }
      remaining -= changed.length;
      done += changed.length;
      if (changed.length > 0) {
        lastReport = Date.now();
        quietFor = options.sweepAfterMs ?? 10_000;
        options.onProgress?.(done, total, lastRecipient);
      }
    };

    // A coordinator that was away (killed, or never started following) may have missed reports.
    sweepWanted ||= enqueue.already > 0;
    while (remaining > 0 && !signal?.aborted) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 250);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
      await fold(outcomes.splice(0));
      if (failures.length) await fold(await failedOutcomes(failures.splice(0)));
      const quiet = Date.now() - lastReport;
      if (!redisLost && (sweepWanted || quiet >= quietFor)) {
        sweepWanted = false;
        const found = await sweep(fold);
        // Nothing found: look again later, less often, while the workers are idle or away.
        if (found === 0) quietFor = Math.min(quietFor * 2, 5 * 60_000);
        // A sweep may also settle readers without a report (suppressed since): count from the ledger.
        remaining = unsettled();
      }
      if (Date.now() - lastReport >= QUIET_NOTICE_MS && Date.now() - lastQuietNotice >= QUIET_NOTICE_MS && !redisLost) {
        lastQuietNotice = Date.now();
        notice(await quietNotice(remaining));
      }
      // The ledger decides when the run is over, not the running count.
      if (remaining <= 0) remaining = unsettled();
    }
    signal?.removeEventListener('abort', onAbort);
    return finish();
  } finally {
    unwatch();
    await closeAll();
  }

  function unsettled(): number {
    const counts = store.deliveryCounts(runId);
    return counts.pending + counts.sending;
  }

  async function finish(): Promise<DeliveryReport> {
    report.pending = unsettled();
    if (signal?.aborted && report.pending > 0) report.interrupted = true;
    if (report.pending === 0) await forgetRun(client, queueName, tag);
    return report;
  }

  /**
   * Read again just before a job is added: a job missing from Redis whose outcome another process
   * recorded meanwhile (it records, then removes the job) must not be added again.
   */
  function stillUnsettled(row: DeliveryRow): boolean {
    const status = store.deliveryStatus(runId, row.recipient);
    return status === 'pending' || status === 'sending';
  }

  /**
   * An unsubscribe, bounce, complaint or pause recorded since the run started (or since a retry
   * was asked for) is honoured as the run that sends itself does, when the reader is enqueued:
   * that reader is recorded as not sent and gets no job. (One recorded after their job was added
   * reaches them only from the next run: the workers do not read the ledger.)
   */
  function suppressed(row: DeliveryRow): boolean {
    const block = blockFor(store, row.recipient, options.now());
    if (!block) return false;
    store.updateDelivery(runId, row.recipient, 'suppressed', options.now().toISOString(), block.why === 'paused' ? `paused until ${block.until}` : block.why);
    report.suppressed++;
    return true;
  }

  /** The job of one reader, as the ledger names them. */
  function sendJob(row: DeliveryRow, jobId: string) {
    const data: SendJobData = { e: row.recipient, m: row.messageId };
    if (row.name) data.n = row.name;
    if (Object.keys(row.fields).length) data.f = row.fields;
    if (row.variant) data.v = row.variant;
    return { name: SEND_JOB, data, opts: { jobId, attempts: config.delivery.attempts, backoff: { type: 'exponential' as const, delay: options.retryDelayMs } } };
  }

  async function enqueueReaders(): Promise<{ total: number; added: number; already: number; ms: number }> {
    const started = Date.now();
    let cursor = 0;
    let total = 0;
    let added = 0;
    let already = 0;
    let nextNotice = 100_000;
    const inFlight = new Set<Promise<void>>();
    for (;;) {
      if (signal?.aborted) break;
      const page = store.deliveryPage(runId, ['pending', 'sending'], cursor, PAGE);
      if (page.length === 0) break;
      cursor = page.at(-1)!.row;
      total += page.length;
      const task = (async () => {
        const ids = page.map((row) => sendJobId(tag, row.recipient));
        const pipeline = client.pipeline();
        for (const id of ids) pipeline.exists(queue.toKey(id));
        const exists = (await pipeline.exec()) ?? [];
        const jobs = page.flatMap((row, i) => (exists[i]?.[1] === 1 || !stillUnsettled(row) || suppressed(row) ? [] : [sendJob(row, ids[i]!)]));
        if (jobs.length) await queue.addBulk(jobs);
        added += jobs.length;
        already += page.length - jobs.length;
      })();
      inFlight.add(task);
      void task.finally(() => inFlight.delete(task)).catch(() => {});
      if (inFlight.size >= ENQUEUE_PARALLEL) await Promise.race(inFlight);
      if (total >= nextNotice) {
        notice(`Run ${runId}: enqueueing, ${count(total)} readers so far`);
        nextNotice += 100_000;
      }
    }
    await Promise.all(inFlight);
    return { total, added, already, ms: Date.now() - started };
  }

  function fromResult(jobId: string, result: SendJobResult): Outcome {
    return result.status === 'sent'
      ? { jobId, recipient: result.email, status: 'sent' }
      : { jobId, recipient: result.email, status: 'failed-permanent', error: result.detail };
  }

  /** A job BullMQ gave up on: refused for now (4xx) every time, or its worker died too often. */
  function failedOutcome(jobId: string, recipient: string, reason: string | null, attempts: number | undefined): Outcome {
    const stalled = /stalled more than allowable limit/i.test(reason ?? '');
    const error = stalled ? 'the workers sending it stopped (killed or cut off) before reporting, too many times' : (reason ?? 'failed');
    return { jobId, recipient, status: 'failed-temporary', error, attempts };
  }

  async function failedOutcomes(failed: { jobId: string; reason: string }[]): Promise<Outcome[]> {
    const pipeline = client.pipeline();
    for (const f of failed) pipeline.hmget(queue.toKey(f.jobId), 'data', 'attemptsMade');
    const replies = (await pipeline.exec()) ?? [];
    return failed.flatMap((f, i) => {
      const [data, attempts] = (replies[i]?.[1] as (string | null)[] | undefined) ?? [];
      if (!data) return [];
      return [failedOutcome(f.jobId, (JSON.parse(data) as SendJobData).e, f.reason, attempts ? Number(attempts) : undefined)];
    });
  }

  /**
   * Checks every reader still unsettled in the ledger against Redis: a finished job is folded in
   * (its report was missed: the coordinator was away, or the event stream moved on), a vanished
   * one is enqueued again. Returns how many it settled.
   */
  async function sweep(fold: (batch: Outcome[]) => Promise<void>): Promise<number> {
    let cursor = 0;
    let settled = 0;
    let vanished = 0;
    for (;;) {
      const page = store.deliveryPage(runId, ['pending', 'sending'], cursor, PAGE);
      if (page.length === 0) break;
      cursor = page.at(-1)!.row;
      const ids = page.map((row) => sendJobId(tag, row.recipient));
      const pipeline = client.pipeline();
      for (const id of ids) {
        pipeline.zscore(queue.keys.completed!, id);
        pipeline.zscore(queue.keys.failed!, id);
        pipeline.hmget(queue.toKey(id), 'returnvalue', 'failedReason', 'attemptsMade');
        pipeline.exists(queue.toKey(id));
      }
      const replies = (await pipeline.exec()) ?? [];
      const found: Outcome[] = [];
      const lost: ReturnType<typeof sendJob>[] = [];
      page.forEach((row, i) => {
        const completed = replies[i * 4]?.[1];
        const failed = replies[i * 4 + 1]?.[1];
        const [returnvalue, failedReason, attempts] = (replies[i * 4 + 2]?.[1] as (string | null)[] | undefined) ?? [];
        const exists = replies[i * 4 + 3]?.[1] === 1;
        if (completed !== null && completed !== undefined && returnvalue) found.push(fromResult(ids[i]!, JSON.parse(returnvalue) as SendJobResult));
        else if (failed !== null && failed !== undefined) found.push(failedOutcome(ids[i]!, row.recipient, failedReason ?? null, attempts ? Number(attempts) : undefined));
        else if (!exists && stillUnsettled(row) && !suppressed(row)) lost.push(sendJob(row, ids[i]!));
      });
      await fold(found);
      settled += found.length;
      if (lost.length) {
        await queue.addBulk(lost);
        vanished += lost.length;
      }
    }
    if (vanished > 0) {
      notice(
        `${count(vanished)} jobs of run ${runId} had vanished from Redis (restarted without persistence, or flushed?): enqueued them again. ` +
          'A reader whose message was sent but not yet reported may get a second copy, with the same Message-ID; run Redis with appendonly yes to avoid it.',
      );
    }
    return settled;
  }

  async function quietNotice(remaining: number): Promise<string> {
    let workers: number | undefined;
    try {
      workers = await queue.getWorkersCount();
    } catch {
      workers = undefined;
    }
    const waiting = `${count(remaining)} reader${remaining === 1 ? '' : 's'} still to send`;
    if (workers === 0) {
      return `no reports for a minute and no \`digest worker\` is connected to ${label}: ${waiting}. Start one (on any machine that reaches Redis and the mail server); Ctrl-C stops waiting, the jobs stay queued and \`digest run\` picks the run up again.`;
    }
    return `no reports for a minute: ${waiting}${workers === undefined ? '' : `, ${workers} worker${workers === 1 ? '' : 's'} connected`} (a paused worker logs why: the mail server unreachable, a refused login, the rate limit)`;
  }

  async function closeAll(): Promise<void> {
    const closing = Promise.allSettled([events?.close(), queue.close()]);
    await Promise.race([closing, sleep(2000, undefined, { ref: false })]);
    eventsClient?.disconnect();
    client.disconnect();
  }
}

/**
 * Before `digest runs retry` puts a run's temporary failures back in the ledger's queue: their
 * finished jobs are removed from Redis (their outcome is recorded), so enqueueing them again adds
 * new jobs instead of finding the old, failed ones.
 */
export async function releaseFailedJobs(config: ResolvedConfig, store: StateStore, runId: number): Promise<void> {
  const run = store.getRun(runId);
  if (!run || !config.queueUrl) return;
  const tag = runTag(runKey(run));
  const client = openRedis(config.queueUrl);
  const queue = new Queue(config.delivery.queueName, { connection: client, prefix: KEY_PREFIX });
  queue.on('error', () => {});
  try {
    let cursor = 0;
    for (;;) {
      const page = store.deliveryPage(runId, ['failed-temporary'], cursor, PAGE);
      if (page.length === 0) break;
      cursor = page.at(-1)!.row;
      await Promise.all(page.map((row) => queue.remove(sendJobId(tag, row.recipient)).catch(() => 0)));
    }
  } finally {
    await Promise.race([queue.close(), sleep(2000, undefined, { ref: false })]);
    client.disconnect();
  }
}
