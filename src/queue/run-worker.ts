import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { classifySendError, composeForRecipient, describeSendError, unreachableHint } from '../deliver/deliver-run.js';
import { linkSigner } from '../audience/reader-links.js';
import { loadBounceSigner } from '../bounces/verp.js';
import { createSmtpTransport, type MessageTransport } from '../deliver/transports.js';
import { ConfigError, displayPath } from '../errors.js';
import { loadDkimKey } from '../deliver/load-dkim-key.js';
import { queueLabel } from './queue-label.js';
import { checkRedis, openRedis, watchConnection } from './redis-connection.js';
import { KEY_PREFIX, loadRun, tagOfJob, type SendJobData, type SendJobResult, type StoredRun } from './send-jobs.js';

/**
 * `digest worker`: takes send jobs from the delivery queue, composes each reader's message from
 * the run's stored rendering (the same composition, personalisation and Message-ID as a run that
 * sends itself), sends it through its own pooled SMTP transport and reports the outcome as the
 * job's result. Any number of workers, on any machines that reach Redis and the mail server.
 *
 * - One job in flight per SMTP connection: a worker killed with SIGKILL leaves at most that many
 *   messages whose acceptance it never reported; after `delivery.takeoverSeconds` another worker
 *   takes them over (BullMQ's stalled-job recovery) and sends them again, with the same Message-ID.
 * - 5xx: reported as refused for good. 4xx and a connection dropped under a message: the job fails
 *   and BullMQ retries it with exponential backoff, `delivery.attempts` times in all.
 * - The mail server cannot be reached at all (refused, timed out, login refused): the worker
 *   pauses, puts its jobs back (no attempt is used) and tries the server again, less and less
 *   often, resuming when it answers.
 * - Stopped (SIGTERM): it finishes the messages in flight and reports them, then exits.
 */

export interface WorkerOptions {
  /** Messages in flight at once, one per SMTP connection (default `delivery.maxConnections`). */
  concurrency?: number | undefined;
  /** Shown in logs and stored on the jobs it processes (default host:pid). */
  name?: string | undefined;
  /** Stops taking jobs; the ones in flight finish and are reported, then `runWorker` resolves. */
  signal?: AbortSignal | undefined;
  /** A transport to use instead of SMTP_URL's (tests). */
  transport?: MessageTransport | undefined;
  onEvent?: ((event: WorkerEvent) => void) | undefined;
  /** First wait before trying an unreachable mail server again; it doubles up to `relayRetryMaxMs` (30 s). */
  relayRetryMs?: number | undefined;
  relayRetryMaxMs?: number | undefined;
}

export type WorkerEvent =
  | { type: 'ready'; queue: string; relay: string; concurrency: number; takeoverSeconds: number }
  | { type: 'sent'; recipient: string }
  | { type: 'refused'; recipient: string; permanent: boolean; message: string }
  | { type: 'relay-down'; message: string; hint: string }
  | { type: 'relay-back' }
  | { type: 'redis-down'; message: string }
  | { type: 'redis-back' }
  | { type: 'stopping'; inFlight: number }
  /** Something to fix that does not stop the worker (an evicting Redis). */
  | { type: 'warning'; message: string };

export interface WorkerSummary {
  sent: number;
  /** Refused for good (5xx). */
  refused: number;
  /** Refused for now or dropped (4xx, lost connection): handed back to the queue to try again later. */
  retried: number;
  /** Times the mail server could not be reached and the worker paused. */
  pauses: number;
}

/** Stored renderings kept in memory: a worker serves one run at a time, two around a change of day. */
const RUNS_CACHED = 4;
/** A job put back because the mail server is unreachable waits this long before any worker takes it. */
const RELAY_DOWN_DELAY_MS = 5000;


export async function runWorker(config: ResolvedConfig, options: WorkerOptions = {}): Promise<WorkerSummary> {
  const file = config.source ? displayPath(config.source) : '(built-in defaults)';
  const url = config.queueUrl;
  if (!url) {
    throw new ConfigError('CONFIG_QUEUE_MISSING', `${file}: digest worker needs a delivery queue, and none is configured`, {
      context: { file },
      hint: 'Set delivery.queue in the config (e.g. redis://127.0.0.1:6379), or DIGEST_QUEUE_URL, to the Redis the coordinator (`digest run`) uses.',
    });
  }
  if (!options.transport && (config.transport !== 'smtp' || !config.smtpUrl)) {
    throw new ConfigError('CONFIG_SMTP_MISSING', `${file}: digest worker sends over SMTP, and SMTP_URL is not set${config.delivery.transport === 'outbox' ? ' (delivery.transport is "outbox")' : ''}`, {
      context: { file },
      hint: 'Set SMTP_URL on this machine, e.g. SMTP_URL=smtp://user:password@mail.example.com:587, to the relay this worker sends through.',
    });
  }
  const dkim = !options.transport && config.delivery.dkim ? loadDkimKey(config.delivery.dkim, config.from) : undefined;
  // A bounce address needs DIGEST_SECRET: each envelope sender is signed with it. So do the
  // reader links with web.baseUrl: refuse to start here rather than fail every job later.
  loadBounceSigner(config);
  linkSigner(config, 'smtp');
  const redisCheck = await checkRedis(url, 'This worker did not start.');

  const concurrency = options.concurrency ?? config.delivery.maxConnections;
  const takeoverSeconds = config.delivery.takeoverSeconds;
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const label = queueLabel(url, config.delivery.queueName);
  const emit = (event: WorkerEvent) => options.onEvent?.(event);
  const summary: WorkerSummary = { sent: 0, refused: 0, retried: 0, pauses: 0 };
  const transport =
    options.transport ??
    createSmtpTransport(config.smtpUrl!, {
      maxConnections: concurrency,
      // The rate limit is the queue's, shared by every worker (set by the coordinator).
      rateLimit: 0,
      connectionTimeoutMs: config.delivery.connectionTimeoutSeconds * 1000,
      socketTimeoutMs: config.delivery.socketTimeoutSeconds * 1000,
      dkim,
    });
  const client = openRedis(url);
  const unwatch = watchConnection(
    client,
    (message) => emit({ type: 'redis-down', message }),
    () => emit({ type: 'redis-back' }),
  );
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) stop.abort();

  const runs = new Map<string, Promise<StoredRun>>();
  const storedRun = (tag: string): Promise<StoredRun> => {
    let found = runs.get(tag);
    if (!found) {
      found = loadRun(client, config.delivery.queueName, tag).then((run) => {
        if (!run) throw new UnrecoverableError(`the digest of this job's run (${tag}) is no longer in Redis: the coordinator removed it or it expired`);
        return run;
      });
      runs.set(tag, found);
      found.catch(() => runs.delete(tag));
      if (runs.size > RUNS_CACHED) runs.delete(runs.keys().next().value!);
    }
    return found;
  };

  // ── the mail server: paused while it cannot be reached ────────────────────────────────────
  let relayDown: Promise<void> | undefined;
  let checking: Promise<boolean> | undefined;
  let worker: Worker<SendJobData, SendJobResult> | undefined;
  const retryStart = options.relayRetryMs ?? 2000;
  const retryMost = options.relayRetryMaxMs ?? 30_000;

  /** Waits (the worker paused) until the mail server answers again, or the worker is stopped. */
  const waitForRelay = async (error: unknown): Promise<void> => {
    summary.pauses++;
    await worker?.pause(true);
    emit({ type: 'relay-down', message: `${transport.description}: ${describeSendError(error)}`, hint: workerHint(error) });
    for (let wait = retryStart; !stop.signal.aborted; wait = Math.min(wait * 2, retryMost)) {
      await sleep(wait, undefined, { signal: stop.signal }).catch(() => {});
      if (stop.signal.aborted) break;
      try {
        await transport.verify!();
        break;
      } catch {
        // still down: wait longer
      }
    }
    relayDown = undefined;
    if (!stop.signal.aborted) {
      emit({ type: 'relay-back' });
      await worker?.resume();
    }
  };

  /**
   * After a failure that looks like the server is gone: is it? A fresh connection that logs in
   * says no (the connection dropped under one message: retry it as usual); one that fails says
   * yes, and pauses the worker.
   */
  const isRelayDown = (): Promise<boolean> => {
    if (relayDown) return Promise.resolve(true);
    if (!transport.verify) return Promise.resolve(false);
    checking ??= transport
      .verify()
      .then(
        () => false,
        (error: unknown) => {
          relayDown ??= waitForRelay(error);
          return true;
        },
      )
      .finally(() => (checking = undefined));
    return checking;
  };

  let inFlight = 0;
  const processJob = async (job: Job<SendJobData, SendJobResult>, token?: string): Promise<SendJobResult> => {
    const data = job.data;
    const run = await storedRun(tagOfJob(job.id!));
    // Signed reader links and the bounce address's envelope sender need DIGEST_SECRET here too.
    const { signer } = linkSigner(config, 'smtp', run.settings.baseUrl);
    const rendering = (data.v ? run.variants?.[data.v] : undefined) ?? run.rendering;
    const message = composeForRecipient(rendering, { runId: run.runId, recipient: data.e, name: data.n ?? null, fields: data.f ?? {}, messageId: data.m }, run.settings, { date: new Date(), signer });
    inFlight++;
    try {
      const info = await transport.send(message);
      summary.sent++;
      emit({ type: 'sent', recipient: data.e });
      return { status: 'sent', email: data.e, detail: info.response.slice(0, 200), worker: name };
    } catch (error) {
      const kind = classifySendError(error);
      const text = describeSendError(error);
      if (kind === 'permanent') {
        summary.refused++;
        emit({ type: 'refused', recipient: data.e, permanent: true, message: text });
        return { status: 'failed-permanent', email: data.e, detail: text, worker: name };
      }
      if (kind === 'unreachable' && (await isRelayDown())) {
        // Back to the queue without using an attempt: the server is down, not the message.
        await job.moveToDelayed(Date.now() + RELAY_DOWN_DELAY_MS, token);
        throw new DelayedError();
      }
      summary.retried++;
      emit({ type: 'refused', recipient: data.e, permanent: false, message: text });
      throw new Error(text);
    } finally {
      inFlight--;
    }
  };

  try {
    worker = new Worker<SendJobData, SendJobResult>(config.delivery.queueName, processJob, {
      connection: client,
      prefix: KEY_PREFIX,
      name,
      concurrency,
      autorun: false,
      lockDuration: takeoverSeconds * 1000,
      stalledInterval: takeoverSeconds * 1000,
      // A job whose worker died more often than this is reported failed (for now), not sent again.
      maxStalledCount: 3,
    });
    // Connection trouble is reported through `watchConnection`; the rest BullMQ retries itself.
    worker.on('error', () => {});
    await worker.waitUntilReady();
    emit({ type: 'ready', queue: label, relay: transport.description, concurrency, takeoverSeconds });
    for (const message of redisCheck.warnings) emit({ type: 'warning', message });
    // A mail server that is down from the start: no job is taken until it answers (resuming
    // starts the worker).
    let relayAnswers = true;
    try {
      await transport.verify?.();
    } catch (error) {
      relayAnswers = false;
      relayDown = waitForRelay(error);
    }
    if (relayAnswers) void worker.run().catch(() => {});
    await new Promise<void>((resolve) => {
      if (stop.signal.aborted) resolve();
      else stop.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    emit({ type: 'stopping', inFlight });
    // Waits for the messages in flight: each is sent and reported before the worker lets go.
    await worker.close();
    return summary;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    stop.abort();
    await relayDown;
    unwatch();
    transport.close();
    client.disconnect();
  }
}

/** What to do when this worker cannot use the mail server. */
function workerHint(error: unknown): string {
  return unreachableHint(error, 'This worker has paused and tries again, less and less often; its messages went back to the queue (no attempt used), for it or another worker.');
}
