import { existsSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { DeliveryError } from '../errors.js';
import type { FetchOptions } from '../fetch/fetch-resource.js';
import { composeMessage, deterministicMessageId, senderDomain } from '../deliver/compose-message.js';
import { deliverRun, type DeliveryReport, type DeliverySettings } from '../deliver/deliver-run.js';
import { loadDkimKey, type DkimKey } from '../deliver/load-dkim-key.js';
import { createOutboxTransport, createSmtpTransport, type MessageTransport } from '../deliver/transports.js';
import { decideTransport, smtpUrlMissing, TRANSPORT_SETTING, transportForRun, type TransportKind } from '../deliver/decide-transport.js';
import { loadTheme } from '../render/load-theme.js';
import { personalise } from '../render/personalise.js';
import { formatRenderWarning, renderDigest, type RenderedDigest } from '../render/render-digest.js';
import { describeOversizedItems, describeSizeReport } from '../render/size-budget.js';
import { renderSettings } from './render-settings.js';
import { writePreviewFiles, type PreviewFiles } from './write-preview.js';
import { isFinalVerdict, type Decision } from '../select/select-items.js';
import { latestSlot } from '../schedule/schedule-slots.js';
import { acquireRunLock } from '../state/run-lock.js';
import { StateStore, type RunRow, type SeenItem } from '../state/state-store.js';
import type { Digest, FeedFailure } from '../types.js';
import { buildDigest, type BuiltDigest, type ProgressEvent } from './build-digest.js';

export interface PipelineOptions {
  /** The clock; injected so tests and the scheduler control "now". */
  now?: () => Date;
  onProgress?: (event: ProgressEvent) => void;
  fetch?: Partial<FetchOptions>;
  /** A transport to use instead of the configured one (tests, the preview server). */
  transport?: MessageTransport;
  /** First delay between delivery retries, in ms. */
  retryDelayMs?: number;
  /** Named in the run lock, for the message a second process prints (`digest run`, `digest schedule`). */
  command?: string;
  /** Stops sending (not the run): messages in flight finish, the rest stay pending for the next run. */
  signal?: AbortSignal;
  /** The scheduled time this run serves; default: the config schedule's latest slot at or before now. */
  slot?: Date;
  /** Build no new digest when the slot has already been served (the scheduler: one slot, one digest). */
  onlyUnservedSlot?: boolean;
  /** Only finish an unfinished run, if there is one; build no new digest. */
  resumeOnly?: boolean;
}

export interface RunResult {
  /**
   * sent: a new digest was recorded and delivered; nothing-new: no digest was due; resumed: only
   * a run an earlier process left unfinished was finished; already-served: the slot had been
   * served (with `onlyUnservedSlot`), or there was nothing to resume (with `resumeOnly`).
   */
  status: 'sent' | 'nothing-new' | 'resumed' | 'already-served';
  runId: number | null;
  /** The scheduled time (ISO 8601, UTC) the run serves, from the config's `schedule`. */
  slot: string | null;
  digest: Digest | null;
  subject: string | null;
  feeds: { total: number; ok: number; failed: FeedFailure[] };
  items: number;
  delivery: DeliveryReport | null;
  /** With status sent or nothing-new: an unfinished earlier run that was finished first. */
  resumed: ResumedRun | null;
  files: Partial<PreviewFiles> & { outbox?: string };
  warnings: string[];
  decisions: Decision[];
}

export interface ResumedRun {
  runId: number;
  slot: string | null;
  subject: string;
  items: number;
  delivery: DeliveryReport;
}

/** The identity used for the preview files: no real subscriber's address ends up in them. */
const PREVIEW_RECIPIENT = { email: 'subscriber@example.com', name: 'Subscriber', fields: {} };

/**
 * A transport of the given kind (default: the config's, with auto read from the environment).
 * The DKIM key, when configured, is read here: call it (or `loadDeliveryKey`) before changing any
 * state, so a bad key path stops the run at once. SMTP without SMTP_URL is refused, never
 * replaced by the outbox.
 */
export function createTransport(config: ResolvedConfig, fileStem: string, dkim: DkimKey | undefined = loadDeliveryKey(config), kind: TransportKind = config.transport): MessageTransport {
  if (kind === 'smtp') {
    if (!config.smtpUrl) throw smtpUrlMissing('delivery.transport is smtp, but SMTP_URL is not set: nothing was sent');
    return createSmtpTransport(config.smtpUrl!, {
      maxConnections: config.delivery.maxConnections,
      rateLimit: config.delivery.rateLimit,
      connectionTimeoutMs: config.delivery.connectionTimeoutSeconds * 1000,
      socketTimeoutMs: config.delivery.socketTimeoutSeconds * 1000,
      dkim,
    });
  }
  return createOutboxTransport(path.join(config.outDir, 'outbox'), fileStem, { dkim });
}

/** The DKIM key named in the config, read and checked; undefined when signing is off. */
export function loadDeliveryKey(config: ResolvedConfig): DkimKey | undefined {
  return config.delivery.dkim ? loadDkimKey(config.delivery.dkim, config.from) : undefined;
}

/** Retry settings for deliverRun: the config's, unless a test asks for faster ones. */
export function retrySettings(config: ResolvedConfig, options: PipelineOptions): { attempts: number; retryDelayMs: number } {
  return { attempts: config.delivery.attempts, retryDelayMs: options.retryDelayMs ?? config.delivery.retryDelaySeconds * 1000 };
}

export function feedSummary(built: Pick<BuiltDigest, 'feedOutcomes' | 'digest'>): { total: number; ok: number; failed: FeedFailure[] } {
  return {
    total: built.feedOutcomes.length,
    ok: built.feedOutcomes.filter((o) => o.ok).length,
    failed: built.digest.failures,
  };
}

function deliverySettings(config: ResolvedConfig): DeliverySettings {
  return {
    from: config.from,
    ...(config.replyTo ? { replyTo: config.replyTo } : {}),
    title: config.title,
    ...(config.unsubscribeUrl ? { unsubscribeUrl: config.unsubscribeUrl } : {}),
    ...(config.unsubscribeMailto ? { unsubscribeMailto: config.unsubscribeMailto } : {}),
  };
}

/** The settings a run was recorded with, so a resumed run sends the very message it started with. */
export function storedSettings(run: RunRow, config: ResolvedConfig): DeliverySettings {
  const stored = run.settings;
  return stored.from && stored.title ? (stored as unknown as DeliverySettings) : deliverySettings(config);
}

/**
 * Delivers run `runId` (its pending recipients) through the configured transport, or the one the
 * caller passed, closing a transport it opened. Shared by a new run, a resumed run and `digest
 * runs retry`.
 */
export async function sendRun(
  config: ResolvedConfig,
  store: StateStore,
  runId: number,
  rendered: Pick<RenderedDigest, 'subject' | 'html' | 'text' | 'marker'>,
  settings: DeliverySettings,
  options: PipelineOptions,
  dkim: DkimKey | undefined,
  kind: TransportKind,
): Promise<{ delivery: DeliveryReport; files: { outbox?: string } }> {
  const now = options.now ?? (() => new Date());
  const transport = options.transport ?? createTransport(config, `run-${runId}`, dkim, kind);
  try {
    const delivery = await deliverRun({
      store,
      runId,
      rendered,
      settings,
      transport,
      now,
      ...retrySettings(config, options),
      signal: options.signal,
      onProgress: (done, total, recipient) => options.onProgress?.({ stage: 'send', done, total, recipient }),
    });
    return { delivery, files: transport.kind === 'outbox' ? { outbox: path.join(config.outDir, 'outbox') } : {} };
  } finally {
    if (!options.transport) transport.close();
  }
}

/**
 * The scheduled job. It holds the run lock throughout, so two runs never overlap. In order:
 *  1. finish a run a crash or an outage left unfinished, if there is one; stop there if it
 *     served this slot or could not be finished;
 *  2. build the digest from the items not seen before (fetch, parse, select, clean, trim);
 *  3. with nothing new, record what was seen and stop (unless configured to send anyway);
 *  4. render once, with strict MJML validation;
 *  5. record the run, its slot, its items (queued), its recipients and the feeds' state in one
 *     transaction;
 *  6. write the preview files, then deliver to each recipient, recording each result;
 *  7. settle the run: its items count as delivered once anyone got it, and go back to the pool
 *     for the next run when nobody did.
 */
export async function runDigest(config: ResolvedConfig, options: PipelineOptions = {}): Promise<RunResult> {
  const now = options.now ?? (() => new Date());
  // Bad settings stop the run before the lock, the state or anyone's inbox is touched.
  const dkim = loadDeliveryKey(config);
  // Another program's file named as the state gets nothing written beside it, not even the lock.
  StateStore.inspect(config.statePath);
  const lock = acquireRunLock(config.statePath, options.command ?? 'digest run', now());
  let store: StateStore;
  try {
    store = StateStore.open(config.statePath);
  } catch (error) {
    lock.release();
    throw error;
  }
  try {
    // The transports, before anything is fetched or sent: an unfinished run is finished over the
    // one it was created for, a new digest goes out over the one decided for the project.
    const unfinished = store.unfinishedRun();
    const resumeKind = unfinished ? (options.transport?.kind ?? transportForRun(config, unfinished, store.deliveries(unfinished.id, ['pending', 'sending']).length)) : undefined;
    const choice = options.resumeOnly ? undefined : options.transport ? { kind: options.transport.kind } : decideTransport(config, store.setting(TRANSPORT_SETTING));
    const baseWarnings = [...config.warnings];
    if (choice?.decided) {
      store.recordSetting(TRANSPORT_SETTING, choice.kind, now().toISOString());
      baseWarnings.push(choice.decided);
    }
    const slot = (options.slot ?? latestSlot(config.schedule, config.timezone, now()))?.toISOString() ?? null;
    const idle = (status: RunResult['status']): RunResult => ({
      status,
      runId: null,
      slot,
      digest: null,
      subject: null,
      feeds: { total: 0, ok: 0, failed: [] },
      items: 0,
      delivery: null,
      resumed: null,
      files: {},
      warnings: [...baseWarnings],
      decisions: [],
    });
    let resumed: ResumedRun | null = null;
    if (unfinished) {
      const { delivery, files: resumedFiles } = await sendRun(config, store, unfinished.id, unfinished, storedSettings(unfinished, config), options, dkim, resumeKind!);
      store.finishRun(unfinished.id, now().toISOString());
      resumed = { runId: unfinished.id, slot: unfinished.slot, subject: unfinished.subject, items: unfinished.itemCount, delivery };
      // The same slot (a rerun after a crash) is served by the finished run; an unfinished run
      // (the server is still unreachable) keeps its items, so a new digest would have nothing.
      if (options.resumeOnly || unfinished.slot === slot || delivery.pending > 0) {
        return {
          ...idle('resumed'),
          runId: unfinished.id,
          slot: unfinished.slot,
          subject: unfinished.subject,
          items: unfinished.itemCount,
          delivery,
          files: resumedFiles,
        };
      }
    }
    if (options.resumeOnly) return idle('already-served');
    if (options.onlyUnservedSlot && slot && store.slotRecord(slot)) return { ...idle('already-served'), resumed };

    const built = await buildDigest(config, { store, now: now(), mode: 'run', onProgress: options.onProgress, fetch: options.fetch });
    const warnings = [...baseWarnings, ...built.warnings];
    const kind = choice!.kind;
    const startedAt = now().toISOString();
    const skippedItems = (decisions: readonly Decision[]): SeenItem[] =>
      decisions.filter((d) => d.verdict !== 'included' && isFinalVerdict(d.verdict)).map((d) => seenItem(d, 'skipped'));
    /** No email today: what was seen is remembered (skipped items are not offered again), and the slot is served. */
    /** Items and feeds an older state file knew by an absolute path, recorded under their current keys. */
    const adoptLegacy = () => {
      for (const feed of built.legacy.feeds) store.adoptLegacyFeed(feed.key, feed.legacyKey);
      for (const item of built.legacy.items) store.adoptLegacyItems(item.feedKey, [item]);
    };
    const nothingNew = (decisions: Decision[]): RunResult => {
      store.transaction(() => {
        adoptLegacy();
        store.recordItems(skippedItems(decisions), null, startedAt);
        for (const outcome of built.feedOutcomes) store.recordFeedOutcome(outcome, startedAt);
        if (slot) store.recordSlot(slot, 'nothing-new', null, null, startedAt);
      });
      return { ...idle('nothing-new'), digest: built.digest, feeds: feedSummary(built), resumed, warnings, decisions };
    };

    if (built.digest.items.length === 0 && config.delivery.whenNothingNew === 'skip') return nothingNew(built.decisions);

    const templates = loadTheme(config);
    const rendered = await renderDigest(built.digest, templates, renderSettings(config), { validation: 'strict' });
    const sizeNote = describeSizeReport(rendered.size);
    if (sizeNote) warnings.push(sizeNote);
    warnings.push(...describeOversizedItems(rendered.size));

    // Stories the size budget left out are not part of this run: they stay new for the next one.
    // A story too big for any email is left out for good: recorded as skipped, never retried.
    const leftOut = new Set(rendered.size.droppedItems.map((item) => item.id));
    const oversized = new Map(rendered.size.oversizedItems.map((item) => [item.id, item]));
    const carried = built.digest.items.filter((item) => !leftOut.has(item.id) && !oversized.has(item.id));
    const decisions = built.decisions.map((d): Decision =>
      oversized.has(d.id) ? { ...d, verdict: 'oversized', detail: `an email with only this story is ${oversized.get(d.id)!.bytes.toLocaleString('en')} bytes, over the size budget` } : d,
    );
    const skipped = skippedItems(decisions);
    // An email without stories goes out only when the config asks for one (whenNothingNew: send).
    if (carried.length === 0 && config.delivery.whenNothingNew === 'skip') return nothingNew(decisions);
    if (config.recipients.length === 0) warnings.push('no recipients are configured: the digest was rendered but sent to nobody (set `recipients:` in the config)');
    // Deterministic per (run, recipient): stored with the run, reused when a resumed run re-sends.
    const runKey = `${startedAt.replace(/[^0-9]/g, '').slice(0, 14)}.${rendered.hash.slice(0, 8)}`;
    const runId = store.transaction(() => {
      adoptLegacy();
      const id = store.createRun({
        kind: 'run',
        slot,
        startedAt,
        digestHash: rendered.hash,
        subject: rendered.subject,
        preheader: rendered.preheader,
        html: rendered.html,
        text: rendered.text,
        marker: rendered.marker,
        itemIds: carried.map((item) => item.id),
        settings: { ...deliverySettings(config) },
        transport: kind,
        recipients: config.recipients.map((r) => ({
          email: r.email,
          ...(r.name ? { name: r.name } : {}),
          fields: r.fields,
          messageId: deterministicMessageId(runKey, r.email, config.from),
        })),
      });
      // Queued, not delivered: they count as delivered once the run has reached someone.
      const included = decisions.filter((d) => d.verdict === 'included' && !leftOut.has(d.id)).map((d) => seenItem(d, 'queued'));
      store.recordItems(included, id, startedAt);
      store.recordItems(skipped, null, startedAt);
      for (const outcome of built.feedOutcomes) store.recordFeedOutcome(outcome, startedAt);
      if (slot) store.recordSlot(slot, 'sent', id, null, startedAt);
      return id;
    });

    const files = writePreviewFiles(config.outDir, personalise(rendered, PREVIEW_RECIPIENT, config.unsubscribeUrl));
    const { delivery, files: sentFiles } = await sendRun(config, store, runId, rendered, deliverySettings(config), options, dkim, kind);
    store.finishRun(runId, now().toISOString());
    return {
      status: 'sent',
      runId,
      slot,
      digest: built.digest,
      subject: rendered.subject,
      feeds: feedSummary(built),
      items: carried.length,
      delivery,
      resumed,
      files: { ...files, ...sentFiles },
      warnings,
      decisions,
    };
  } finally {
    store.close();
    lock.release();
  }
}

function seenItem(decision: Decision, status: SeenItem['status']): SeenItem {
  return {
    id: decision.id,
    feedUrl: decision.feedUrl,
    url: decision.link,
    title: decision.title,
    publishedAt: decision.published?.toISOString() ?? null,
    status,
    ...(status === 'skipped' ? { reason: decision.detail && decision.verdict === 'filtered' ? `filtered: ${decision.detail}` : decision.verdict } : {}),
  };
}

export interface PreviewResult {
  digest: Digest;
  rendered: RenderedDigest;
  files: PreviewFiles;
  feeds: { total: number; ok: number; failed: FeedFailure[] };
  fellBackToLatest: boolean;
  warnings: string[];
  decisions: Decision[];
}

/** Opens the state read-only in spirit: preview never creates or changes it. */
function openStateIfPresent(config: ResolvedConfig): StateStore | undefined {
  return config.statePath !== ':memory:' && existsSync(config.statePath) ? StateStore.open(config.statePath) : undefined;
}

/**
 * The digest the next run would send, built and rendered without writing any state: for the
 * preview (`preview` mode: the latest items when nothing is new; soft MJML validation), a test
 * send and a dry run (strict, as a run renders).
 */
export async function renderCurrentDigest(
  config: ResolvedConfig,
  options: PipelineOptions,
  mode: 'preview' | 'dry-run',
  validation: 'soft' | 'strict',
): Promise<{ built: BuiltDigest; rendered: RenderedDigest }> {
  const now = options.now ?? (() => new Date());
  const store = openStateIfPresent(config);
  let built: BuiltDigest;
  try {
    built = await buildDigest(config, { store, now: now(), mode, onProgress: options.onProgress, fetch: options.fetch });
  } finally {
    store?.close();
  }
  const rendered = await renderDigest(built.digest, loadTheme(config), renderSettings(config), { validation });
  return { built, rendered };
}

/** Renders what the next run would send (or the latest items, when nothing is new) into files. */
export async function previewDigest(config: ResolvedConfig, options: PipelineOptions & { outDir?: string } = {}): Promise<PreviewResult> {
  const { built, rendered } = await renderCurrentDigest(config, options, 'preview', 'soft');
  const files = writePreviewFiles(options.outDir ?? config.outDir, personalise(rendered, PREVIEW_RECIPIENT, config.unsubscribeUrl));
  const warnings = [...config.warnings, ...built.warnings, ...rendered.warnings.map((w) => `MJML: ${formatRenderWarning(w)}`)];
  if (built.fellBackToLatest) warnings.push('nothing is new since the last run: the preview shows the latest items instead');
  const sizeNote = describeSizeReport(rendered.size);
  if (sizeNote) warnings.push(sizeNote);
  warnings.push(...describeOversizedItems(rendered.size));
  return { digest: built.digest, rendered, files, feeds: feedSummary(built), fellBackToLatest: built.fellBackToLatest, warnings, decisions: built.decisions };
}

export interface TestSendResult {
  to: string;
  subject: string;
  messageId: string;
  response: string;
  transport: string;
  /** smtp: sent; outbox: written to an .eml file, nobody was emailed. */
  kind: TransportKind;
  items: number;
  warnings: string[];
}

/** Sends the current digest to one address, outside the ledger: nothing is marked as delivered. */
export async function sendTestDigest(config: ResolvedConfig, to: string, options: PipelineOptions = {}): Promise<TestSendResult> {
  const now = options.now ?? (() => new Date());
  const dkim = loadDeliveryKey(config);
  const { built, rendered } = await renderCurrentDigest(config, options, 'preview', 'strict');
  const recipient = config.recipients.find((r) => r.email.toLowerCase() === to.toLowerCase()) ?? { email: to, fields: {} };
  const content = personalise(rendered, recipient, config.unsubscribeUrl);
  const message = composeMessage(recipient, content, {
    from: config.from,
    replyTo: config.replyTo,
    title: config.title,
    date: now(),
    messageId: `<test.${randomUUID()}@${senderDomain(config.from)}>`,
    unsubscribeMailto: config.unsubscribeMailto,
  });
  const transport = options.transport ?? createTransport(config, 'test', dkim);
  try {
    const info = await transport.send(message);
    return {
      to,
      subject: content.subject,
      messageId: info.messageId,
      response: info.response,
      transport: transport.description,
      kind: transport.kind,
      items: built.digest.items.length,
      warnings: [...config.warnings, ...built.warnings],
    };
  } catch (error) {
    throw new DeliveryError('DELIVERY_FAILED', `could not send the test digest to ${to} through ${transport.description}: ${(error as Error).message}`, {
      cause: error,
      context: { recipient: to },
      hint:
        transport.kind === 'smtp'
          ? 'Check SMTP_URL (host, port, user, password) and that the server accepts mail from this machine.'
          : 'Check that the output folder is writable.',
    });
  } finally {
    if (!options.transport) transport.close();
  }
}
