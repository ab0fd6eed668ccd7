import { existsSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { DeliveryError } from '../errors.js';
import type { FetchOptions } from '../fetch/fetch-resource.js';
import { composeMessage, deterministicMessageId, runKey, senderDomain } from '../deliver/compose-message.js';
import { deliverRun, type DeliveryReport, type DeliverySettings } from '../deliver/deliver-run.js';
import { linkSigner, previewLinks } from '../audience/reader-links.js';
import { WEB_VARIANT, blockFor, countExcluded, filterSections, resolveReaders, variantFor, variantSections, type ExcludedReader, type Reader } from '../audience/readers.js';
import { loadDkimKey, type DkimKey } from '../deliver/load-dkim-key.js';
import { loadBounceSigner } from '../bounces/verp.js';
import { createOutboxTransport, createSmtpTransport, type MessageTransport } from '../deliver/transports.js';
import { decideTransport, smtpUrlMissing, TRANSPORT_SETTING, transportForRun, type TransportKind } from '../deliver/decide-transport.js';
import { loadTheme } from '../render/load-theme.js';
import { personalise } from '../render/personalise.js';
import { formatRenderWarning, preloadRenderer, renderDigest, type RenderedDigest, type RenderSettings } from '../render/render-digest.js';
import type { TemplateSet } from '../render/load-templates.js';
import { describeOversizedItems, describeSizeReport } from '../render/size-budget.js';
import { renderSettings } from './render-settings.js';
import { writePreviewFiles, type PreviewFiles } from './write-preview.js';
import { queueLabel } from '../queue/queue-label.js';
import { isFinalVerdict, type Decision } from '../select/select-items.js';
import { latestSlot } from '../schedule/schedule-slots.js';
import { acquireRunLock } from '../state/run-lock.js';
import { StateStore, storedRendering, type FeedOutcome, type RunRow, type RunVariant, type SeenItem } from '../state/state-store.js';
import type { Digest, FeedFailure, LeftOutStory } from '../types.js';
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
  /** Lines for the operator while a delivery queue's workers send: what was enqueued, workers missing, Redis lost. */
  onNotice?: (message: string) => void;
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
  /** With status sent: who got this digest and who did not (suppressed, paused, none of their sections). */
  readers: ReaderSummary | null;
  files: Partial<PreviewFiles> & { outbox?: string };
  warnings: string[];
  decisions: Decision[];
  /** New stories not in the email: listed under "More from …", carried over, or held back. */
  leftOut: LeftOutStory[];
}

export interface ReaderSummary {
  /** Readers the digest was addressed to. */
  count: number;
  /** Distinct renderings for readers' choices of sections, besides the full one. */
  variants: number;
  /** Readers left out, by reason: unsubscribed, hard-bounce, complaint, soft-bounce, manual, paused, no-sections. */
  excluded: Partial<Record<string, number>>;
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
    return createSmtpTransport(config.smtpUrl, {
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

/**
 * What delivery needs, checked before the lock, the ledger or anyone's inbox is touched: the DKIM
 * key (read here), or with a delivery queue, that its Redis answers (the workers sign), with a
 * warning when that Redis may evict queued jobs.
 */
export async function prepareDelivery(config: ResolvedConfig): Promise<{ dkim: DkimKey | undefined; warnings: string[] }> {
  if (config.queueUrl) {
    const { checkRedis } = await import('../queue/redis-connection.js');
    const { warnings } = await checkRedis(config.queueUrl, 'Nothing was enqueued or recorded: run it again once Redis answers.');
    return { dkim: undefined, warnings };
  }
  return { dkim: loadDeliveryKey(config), warnings: [] };
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
    ...(config.queueUrl ? { queue: queueLabel(config.queueUrl, config.delivery.queueName) } : {}),
    ...(config.delivery.bounceAddress ? { bounceAddress: config.delivery.bounceAddress } : {}),
    ...(config.web.baseUrl ? { baseUrl: config.web.baseUrl } : {}),
  };
}

/** The transport a send will use: the one passed in, the delivery queue's workers' (SMTP), or the configured one. */
function transportKind(config: ResolvedConfig, options: PipelineOptions): 'smtp' | 'outbox' {
  return options.transport?.kind ?? (config.queueUrl ? 'smtp' : config.transport);
}

/** The settings a run was recorded with, so a resumed run sends the very message it started with. */
export function storedSettings(run: RunRow, config: ResolvedConfig): DeliverySettings {
  const stored = run.settings;
  return stored.from && stored.title ? (stored as unknown as DeliverySettings) : deliverySettings(config);
}

/**
 * Delivers run `runId` (its pending recipients) through the configured transport, or the one the
 * caller passed, closing a transport it opened; or, with a delivery queue, hands them to its
 * workers and records what they report (src/queue/). Shared by a new run, a resumed run and
 * `digest runs retry`.
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
): Promise<{ delivery: DeliveryReport; files: { outbox?: string }; warnings: string[] }> {
  const now = options.now ?? (() => new Date());
  // Signed links need DIGEST_SECRET: refused here, before a transport is opened.
  const { signer, warning } = linkSigner(config, kind, settings.baseUrl);
  // A run created for the outbox stays there: only a run meant for SMTP goes to the queue's workers.
  if (config.queueUrl && !options.transport && kind === 'smtp') {
    const { coordinateRun } = await import('../queue/coordinate-run.js');
    const queued = { ...settings, queue: queueLabel(config.queueUrl, config.delivery.queueName) };
    // From here on the run belongs to the queue: it is never finished by sending from a process.
    if (settings.queue !== queued.queue) store.setRunSettings(runId, { ...queued });
    const delivery = await coordinateRun(config, store, runId, rendered, settings.queue ? settings : queued, {
      now,
      retryDelayMs: retrySettings(config, options).retryDelayMs,
      signal: options.signal,
      onProgress: (done, total, recipient) => options.onProgress?.({ stage: 'send', done, total, recipient }),
      onNotice: options.onNotice,
    });
    return { delivery, files: {}, warnings: warning ? [warning] : [] };
  }
  if (settings.queue) {
    throw new DeliveryError('QUEUE_REQUIRED', `run ${runId} was handed to the delivery queue ${settings.queue}, which this config does not name`, {
      hint: 'Set delivery.queue (or DIGEST_QUEUE_URL) to that Redis again, so the run is finished by its workers and nobody gets a second copy.',
    });
  }
  const transport = options.transport ?? createTransport(config, `run-${runId}`, dkim, kind);
  try {
    const delivery = await deliverRun({
      store,
      runId,
      rendered,
      settings,
      signer,
      transport,
      now,
      ...retrySettings(config, options),
      signal: options.signal,
      onProgress: (done, total, recipient) => options.onProgress?.({ stage: 'send', done, total, recipient }),
    });
    return { delivery, files: transport.kind === 'outbox' ? { outbox: path.join(config.outDir, 'outbox') } : {}, warnings: warning ? [warning] : [] };
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
  const { dkim, warnings: deliveryWarnings } = await prepareDelivery(config);
  // Another program's file named as the state gets nothing written beside it, not even the lock.
  StateStore.inspect(config.statePath);
  const { signer, warning: signerWarning } = linkSigner(config, transportKind(config, options));
  // A bounce address needs the real secret: each envelope sender is signed with it.
  loadBounceSigner(config);
  const lock = acquireRunLock(config.statePath, options.command ?? 'digest run', now());
  let store: StateStore;
  try {
    store = StateStore.open(config.statePath, { inspected: true });
  } catch (error) {
    lock.release();
    throw error;
  }
  try {
    // The transports, before anything is fetched or sent: an unfinished run is finished over the
    // one it was created for, a new digest goes out over the one decided for the project.
    const unfinished = store.unfinishedRun();
    const resumeKind = unfinished ? (options.transport?.kind ?? transportForRun(config, unfinished, pendingCount(store.deliveryCounts(unfinished.id)))) : undefined;
    const choice = options.resumeOnly ? undefined : options.transport ? { kind: options.transport.kind } : decideTransport(config, store.setting(TRANSPORT_SETTING));
    const baseWarnings = [...config.warnings, ...deliveryWarnings];
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
      readers: null,
      files: {},
      warnings: [...baseWarnings],
      decisions: [],
      leftOut: [],
    });
    let resumed: ResumedRun | null = null;
    if (unfinished) {
      const { delivery, files: resumedFiles, warnings: resumeWarnings } = await sendRun(config, store, unfinished.id, unfinished, storedSettings(unfinished, config), options, dkim, resumeKind!);
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
          warnings: [...baseWarnings, ...resumeWarnings],
        };
      }
    }
    if (options.resumeOnly) return idle('already-served');
    if (options.onlyUnservedSlot && slot && store.slotRecord(slot)) return { ...idle('already-served'), resumed };

    // Once a feed brings news, the theme is read and compiled and MJML loaded while the other
    // feeds arrive; a template error is still raised below, where the theme is used.
    let theme: { templates: TemplateSet } | { error: unknown } | undefined;
    const readTheme = (): TemplateSet => {
      if (!theme) {
        try {
          theme = { templates: loadTheme(config) };
        } catch (error) {
          theme = { error };
        }
      }
      if ('error' in theme) throw theme.error;
      return theme.templates;
    };
    const onNews = () => {
      preloadRenderer();
      try {
        readTheme();
      } catch {
        // raised where the theme is used
      }
    };
    const built = await buildDigest(config, { store, now: now(), mode: 'run', onProgress: options.onProgress, fetch: options.fetch, onNews });
    const warnings = [...baseWarnings, ...built.warnings];
    const kind = choice!.kind;
    const startedAt = now().toISOString();
    const skippedItems = (decisions: readonly Decision[]): SeenItem[] =>
      decisions.filter((d) => d.verdict !== 'included' && isFinalVerdict(d.verdict)).map((d) => seenItem(d, 'skipped'));
    /** Items and feeds an older state file knew by an absolute path, recorded under their current keys. */
    const adoptLegacy = () => {
      for (const feed of built.legacy.feeds) store.adoptLegacyFeed(feed.key, feed.legacyKey);
      store.adoptLegacyItems(built.legacy.items);
    };
    /** No email today: what was seen is remembered (skipped items are not offered again), and the slot is served. */
    const nothingNew = (decisions: Decision[], leftOut: readonly LeftOutStory[]): RunResult => {
      store.transaction(() => {
        adoptLegacy();
        store.recordItems(skippedItems(decisions), null, startedAt);
        for (const outcome of rereadNext(built.feedOutcomes, leftOut)) store.recordFeedOutcome(outcome, startedAt);
        if (slot) store.recordSlot(slot, 'nothing-new', null, null, startedAt);
      });
      return { ...idle('nothing-new'), digest: built.digest, feeds: feedSummary(built), resumed, warnings, decisions, leftOut: [...leftOut] };
    };

    if (built.digest.items.length === 0 && config.delivery.whenNothingNew === 'skip') return nothingNew(built.decisions, built.digest.leftOut);

    const templates = readTheme();
    const settings = renderSettings(config);
    const rendered = await renderDigest(built.digest, templates, settings, { validation: 'strict' });
    const sizeNote = describeSizeReport(rendered.size);
    if (sizeNote) warnings.push(sizeNote);
    warnings.push(...describeOversizedItems(rendered.size));
    if (signerWarning) warnings.push(signerWarning);

    // The run records the stories in the email and those it lists under "More from …" (both
    // delivered once the run reaches someone, released if it reaches nobody); stories carried
    // over (left out by the size budget, dated in the future) are not recorded, so the next
    // digest offers them again. See src/select/left-out.ts. A story too big for any email is
    // left out for good: recorded as skipped ('oversized'), never retried.
    const shown = rendered.digest;
    const oversized = new Map(rendered.size.oversizedItems.map((item) => [item.id, item]));
    const decisions = built.decisions.map((d): Decision =>
      oversized.has(d.id) ? { ...d, verdict: 'oversized', detail: `an email with only this story is ${oversized.get(d.id)!.bytes.toLocaleString('en')} bytes, over the size budget` } : d,
    );
    // An email without stories goes out only when the config asks for one (whenNothingNew: send).
    if (shown.items.length === 0 && config.delivery.whenNothingNew === 'skip') return nothingNew(decisions, shown.leftOut);
    const inEmail = new Set(shown.items.map((item) => item.id));
    const listed = new Set(shown.leftOut.filter((story) => story.listed).map((story) => story.id));
    const carriedOver = new Set(shown.leftOut.filter((story) => story.carriedOver).map((story) => story.id));
    const recordedSkipped = skippedItems(decisions).filter((item) => !listed.has(item.id) && !carriedOver.has(item.id));
    const audience = resolveReaders(config, store, now());
    const plan = await renderVariants(shown, built.digest, rendered.size.droppedItems.length + rendered.size.oversizedItems.length, audience.readers, templates, settings, Boolean(config.web.baseUrl) && config.web.archive);
    warnings.push(...plan.warnings);
    const excluded = [...audience.excluded, ...plan.noSections];
    if (plan.recipients.length === 0) warnings.push(noReadersWarning(config, excluded));
    // Deterministic per (run, recipient): stored with the run, reused when a resumed run re-sends.
    const key = runKey({ startedAt, digestHash: rendered.hash });
    const runId = store.transaction(() => {
      adoptLegacy();
      const id = store.createRun({
        kind: 'run',
        slot,
        startedAt,
        ...storedRendering(rendered),
        itemIds: shown.items.map((item) => item.id),
        settings: { ...deliverySettings(config) },
        transport: kind,
        recipients: plan.recipients.map(({ reader: r, variant }) => ({
          email: r.email,
          ...(r.name ? { name: r.name } : {}),
          fields: r.fields,
          messageId: deterministicMessageId(key, r.email, config.from),
          variant,
        })),
        variants: plan.variants,
      });
      // Queued, not delivered: they count as delivered once the run has reached someone.
      const queued = decisions.filter((d) => inEmail.has(d.id) || listed.has(d.id)).map((d) => seenItem(d, 'queued'));
      store.recordItems(queued, id, startedAt);
      store.recordItems(recordedSkipped, null, startedAt);
      for (const outcome of rereadNext(built.feedOutcomes, shown.leftOut)) store.recordFeedOutcome(outcome, startedAt);
      if (slot) store.recordSlot(slot, 'sent', id, null, startedAt);
      return id;
    });

    const files = writePreviewFiles(config.outDir, personalise(rendered, PREVIEW_RECIPIENT, previewLinks(config, signer)));
    // (The signed-links warning, if any, is among the warnings already.)
    const { delivery, files: sentFiles } = await sendRun(config, store, runId, rendered, deliverySettings(config), options, dkim, kind);
    store.finishRun(runId, now().toISOString());
    return {
      status: 'sent',
      runId,
      slot,
      digest: shown,
      subject: rendered.subject,
      feeds: feedSummary(built),
      items: shown.items.length,
      delivery,
      resumed,
      readers: { count: plan.recipients.length, variants: plan.variants.filter((v) => v.variant !== WEB_VARIANT).length, excluded: countExcluded(excluded) },
      files: { ...files, ...sentFiles },
      warnings,
      decisions,
      leftOut: shown.leftOut,
    };
  } finally {
    store.close();
    lock.release();
  }
}

/**
 * The feeds' outcomes to record, without the HTTP validators (ETag, Last-Modified) of a feed that
 * has stories carried over: the next run must read that feed in full, or a "304 Not Modified"
 * would hide the very stories it is to offer again.
 */
function rereadNext(outcomes: readonly FeedOutcome[], leftOut: readonly LeftOutStory[]): FeedOutcome[] {
  const carrying = new Set(leftOut.filter((story) => story.carriedOver).map((story) => story.feedUrl));
  return outcomes.map((outcome) => {
    if (!carrying.has(outcome.url)) return outcome;
    const { etag: _etag, lastModified: _lastModified, ...rest } = outcome;
    return rest;
  });
}

interface VariantPlan {
  recipients: { reader: Reader; variant: string | null }[];
  variants: RunVariant[];
  /** Readers none of whose sections is in this digest. */
  noSections: ExcludedReader[];
  warnings: string[];
}

/**
 * The renderings a run needs besides the full one: one per distinct choice of sections among the
 * readers (never one per reader), and, when the size budget left stories out of the email (to the
 * next digest, or for good: too big for any email) and the archive is on, a web version with all
 * of them, so that readers find every story of the issue on its web page. A choice's digest is
 * the stories of the email (the ones the budget left out go in the next digest, for everyone) in
 * the chosen sections.
 */
async function renderVariants(
  sent: Digest,
  full: Digest,
  leftOutBySize: number,
  readers: readonly Reader[],
  templates: TemplateSet,
  settings: RenderSettings,
  withWebVersion: boolean,
): Promise<VariantPlan> {
  const names = sent.sections.map((section) => section.name);
  const plan: VariantPlan = { recipients: [], variants: [], noSections: [], warnings: [] };
  const keys = new Set<string>();
  for (const reader of readers) {
    const variant = variantFor(reader, names);
    if (variant === 'none') {
      plan.noSections.push({ email: reader.email, source: reader.source, why: 'no-sections' });
      continue;
    }
    if (variant) keys.add(variant);
    plan.recipients.push({ reader, variant });
  }
  const stored = (variant: string, rendered: RenderedDigest, items: number): RunVariant => ({ variant, ...storedRendering(rendered), itemCount: items });
  for (const key of keys) {
    const chosen = filterSections(sent, variantSections(key));
    const rendered = await renderDigest(chosen, templates, settings, { validation: 'strict' });
    const dropped = rendered.size.droppedItems.length;
    if (dropped) plan.warnings.push(`the copy for readers of ${variantSections(key).join(', ')} left out ${dropped} more stor${dropped === 1 ? 'y' : 'ies'} to stay under the size budget`);
    plan.variants.push(stored(key, rendered, chosen.items.length - dropped));
  }
  if (withWebVersion && leftOutBySize > 0) {
    const web = await renderDigest(full, templates, { ...settings, maxHtmlBytes: null }, { validation: 'strict' });
    plan.variants.push(stored(WEB_VARIANT, web, full.items.length));
  }
  return plan;
}

function noReadersWarning(config: ResolvedConfig, excluded: readonly ExcludedReader[]): string {
  if (excluded.length === 0 && config.recipients.length === 0) {
    return 'no recipients are configured: the digest was rendered but sent to nobody (set `recipients:` in the config, or let readers join with `digest web`)';
  }
  const counts = Object.entries(countExcluded(excluded)).map(([why, n]) => `${n} ${why}`);
  return `no reader can get this digest (${counts.join(', ')}): it was rendered but sent to nobody (\`digest readers list --all\` shows who and why)`;
}

function seenItem(decision: Decision, status: SeenItem['status']): SeenItem {
  return {
    id: decision.id,
    feedUrl: decision.feedUrl,
    url: decision.link,
    title: decision.title,
    publishedAt: decision.published?.toISOString() ?? null,
    status,
    ...(decision.verdict !== 'included' ? { reason: decision.detail && decision.verdict === 'filtered' ? `filtered: ${decision.detail}` : decision.verdict } : {}),
  };
}

export interface PreviewResult {
  /** The digest as the email shows it (see RenderedDigest.digest): `items` and `leftOut`. */
  digest: Digest;
  rendered: RenderedDigest;
  files: PreviewFiles;
  feeds: { total: number; ok: number; failed: FeedFailure[] };
  fellBackToLatest: boolean;
  warnings: string[];
  decisions: Decision[];
}

/** Opens the state read-only in spirit: preview never creates or changes it. */
export function openStateIfPresent(config: ResolvedConfig): StateStore | undefined {
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
  const files = writePreviewFiles(options.outDir ?? config.outDir, personalise(rendered, PREVIEW_RECIPIENT, previewLinks(config, config.readerTokens)));
  const warnings = [...config.warnings, ...built.warnings, ...rendered.warnings.map((w) => `MJML: ${formatRenderWarning(w)}`)];
  if (built.fellBackToLatest) warnings.push('nothing is new since the last run: the preview shows the latest items instead');
  const sizeNote = describeSizeReport(rendered.size);
  if (sizeNote) warnings.push(sizeNote);
  warnings.push(...describeOversizedItems(rendered.size));
  return { digest: rendered.digest, rendered, files, feeds: feedSummary(built), fellBackToLatest: built.fellBackToLatest, warnings, decisions: built.decisions };
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

/**
 * Sends the current digest to one address, outside the ledger: nothing is marked as delivered.
 * The address's suppression and pause are honoured (a test is still a message to that person),
 * and a reader who chose sections gets the copy with those sections.
 */
export async function sendTestDigest(config: ResolvedConfig, to: string, options: PipelineOptions = {}): Promise<TestSendResult> {
  const now = options.now ?? (() => new Date());
  const dkim = loadDeliveryKey(config);
  const { signer, warning } = linkSigner(config, transportKind(config, options));
  const store = openStateIfPresent(config);
  let reader: Reader | undefined;
  try {
    const block = store ? blockFor(store, to, now()) : undefined;
    if (block) {
      const what = block.why === 'paused' ? `paused the digest until ${block.until}` : `is suppressed (${block.why})`;
      throw new DeliveryError('RECIPIENT_SUPPRESSED', `${to} ${what}: no test digest was sent`, {
        context: { recipient: to },
        hint: '`digest readers list --all` shows every reader and why they get nothing; send the test to another address, or lift the suppression with `digest readers add --unsuppress` if they asked to be back.',
      });
    }
    reader = resolveReaders(config, store, now()).readers.find((r) => r.email.toLowerCase() === to.toLowerCase());
  } finally {
    store?.close();
  }
  const { built, rendered: full } = await renderCurrentDigest(config, options, 'preview', 'strict');
  // A reader's copy is cut from the email as a run would send it (after the size budget), as runs do.
  const shown = full.digest;
  const recipient = reader ?? { email: to, fields: {} };
  const variant = reader ? variantFor(reader, shown.sections.map((s) => s.name)) : null;
  const rendered = variant && variant !== 'none' ? await renderDigest(filterSections(shown, variantSections(variant)), loadTheme(config), renderSettings(config), { validation: 'strict' }) : full;
  const content = personalise(rendered, recipient, previewLinks(config, signer));
  const message = composeMessage(recipient, content, {
    from: config.from,
    replyTo: config.replyTo,
    title: config.title,
    date: now(),
    messageId: `<test.${randomUUID()}@${senderDomain(config.from)}>`,
    unsubscribeMailto: config.unsubscribeMailto,
    // A test copy is in no run: its bounce comes back to the bare address, for a person to read.
    envelopeFrom: config.delivery.bounceAddress,
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
      items: shown.items.length,
      warnings: [
        ...config.warnings,
        ...built.warnings,
        ...(warning ? [warning] : []),
        ...(variant === 'none' ? [`${to} chose sections that are not in this digest (a run would send them nothing); the test has every section`] : []),
      ],
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

/** Deliveries of a run still to be made (pending, or cut short mid-send). */
function pendingCount(counts: Readonly<Record<string, number>>): number {
  return (counts.pending ?? 0) + (counts.sending ?? 0);
}
