/**
 * The public API. The `digest` command is a thin layer over these functions; anything the CLI can
 * do, a program can do by importing them.
 */
export { loadConfig, sampleConfig, defaultRawConfig, validateConfig, DEFAULT_CONFIG_FILE, type LoadConfigOptions } from './config/load-config.js';
export { writeStarterConfig, type StarterConfig } from './config/starter-config.js';
export { type ResolvedConfig, type Recipient, type ResolveOptions } from './config/resolve-config.js';
import { resolveConfig as resolveWith, readFeedList as readFeedListWith, type ResolveOptions } from './config/resolve-config.js';
import { parseStructuredFeedList } from './config/structured-feed-list.js';
import type { ParsedConfig } from './config/schema.js';

/** Resolves validated settings (paths, feed lists, recipients, environment); YAML/JSON feed lists included. */
export const resolveConfig = (parsed: ParsedConfig, options: ResolveOptions) => resolveWith(parsed, { parseStructuredFeedList, ...options });

/** Reads a feed-list file (YAML/JSON, OPML or one URL per line). */
export const readFeedList = (...[listPath, where, show, keyBase, warnings]: Parameters<typeof readFeedListWith>) =>
  readFeedListWith(listPath, where, show, keyBase, warnings, parseStructuredFeedList);
export { configSchema, type RawConfig, type ParsedConfig } from './config/schema.js';
export { addFeedsToConfig } from './config/edit-config.js';
export { listFeedPlaces, findFeedByQuery, removeFeed, setFeedPaused, renameFeed, type FeedPlace, type FeedEditResult } from './config/edit-feeds.js';
export { readOpml, readOpmlChecked, type CheckedOpml } from './config/read-opml.js';
export { writeOpml, type OpmlFeed } from './config/write-opml.js';
export { fetchResource, type FetchOptions, type FetchResult } from './fetch/fetch-resource.js';
export { parseFeed } from './parse/parse-feed.js';
export { shortFeedName } from './parse/feed-name.js';
export { itemId, canonicalUrl } from './select/item-id.js';
export { selectItems, type Decision, type Verdict } from './select/select-items.js';
export { compileFilters, filterReason, type CompiledFilters } from './select/feed-filters.js';
export { cleanArticle, parseTextArticle, type ArticleInput } from './clean/clean-article.js';
export { extractArticle } from './trim/extract-article.js';
export { loadTemplates, type TemplateSet } from './render/load-templates.js';
export { loadTheme } from './render/load-theme.js';
export { renderDigest, formatRenderWarning, type RenderedDigest, type RenderSettings, type RenderWarning } from './render/render-digest.js';
export { fitToBudget, describeSizeReport, type SizeReport, type BudgetStep } from './render/size-budget.js';
export { checkEmail, GMAIL_CLIP_BYTES, type EmailCheck } from './render/check-email.js';
export { helpers } from './render/helpers.js';
export { personalise, personaliseBytes } from './render/personalise.js';
export { composeMessage } from './deliver/compose-message.js';
export { deliverRun, composeForRecipient, type DeliveryReport } from './deliver/deliver-run.js';
export { createOutboxTransport, createSmtpTransport, type MessageTransport } from './deliver/transports.js';
export { loadDkimKey } from './deliver/load-dkim-key.js';
export { StateStore, SUPPRESSION_REASONS, type SuppressionReason, type SuppressionRow } from './state/state-store.js';
export { TokenSigner, type TokenPurpose, type TokenClaims, type TokenCheck } from './tokens/tokens.js';
export { resolveReaders, type Reader, type ReaderList } from './audience/readers.js';
export { readerUrls, linkSigner, issueUrl, type ReaderLinks } from './audience/reader-links.js';
export { listReaders, addReader, removeReader, importReaders, exportReaders, type ReaderRow } from './audience/manage-readers.js';
export { startWebServer, type WebServer, type WebServerOptions } from './web/web-server.js';
export { writeArchive } from './web/archive.js';
export { acquireRunLock, type RunLock } from './state/run-lock.js';
export { readBounces, processBounces, type BounceReport, type BounceOutcome, type ReadBouncesInput } from './bounces/process-bounces.js';
export { applyBounce, type BounceEvent, type BounceEffect, type BouncePolicy } from './bounces/apply-bounce.js';
export { parseNotice, type ParsedNotice } from './bounces/parse-notice.js';
export { classifyNotice, type Classification, type Verdict as BounceVerdict } from './bounces/classify-notice.js';
export { bounceToken, verpAddress, envelopeSender, findBounceTokens } from './bounces/verp.js';
export { openMailSource, fileSource, folderSource, imapSource, type MailSource } from './bounces/mail-sources.js';
export { runSchedule, describeScheduleEvent, type ScheduleEvent, type ScheduleOptions } from './pipeline/run-schedule.js';
export { latestSlot, nextSlot, formatSlot } from './schedule/schedule-slots.js';
export { listRuns, type RunSummary } from './pipeline/list-runs.js';
export { listFeeds, feedTitles, type FeedSummary } from './pipeline/list-feeds.js';
export { exportFeeds, type ExportResult } from './pipeline/export-feeds.js';
export { planReset, resetSeen, type ResetPlan, type ResetResult } from './pipeline/reset-seen.js';
export { retryRun, type RetryResult } from './pipeline/retry-run.js';
export { runWorker, type WorkerOptions, type WorkerEvent, type WorkerSummary } from './queue/run-worker.js';
export { buildDigest, type BuiltDigest, type ProgressEvent } from './pipeline/build-digest.js';
export { assembleDigest } from './pipeline/assemble-digest.js';
export { runDigest, previewDigest, sendTestDigest, type RunResult, type PreviewResult, type TestSendResult, type PipelineOptions } from './pipeline/run-digest.js';
export { checkSetup, type CheckReport } from './pipeline/check-setup.js';
export { startPreviewServer, type PreviewServer, type PreviewServerOptions } from './preview/preview-server.js';
export { writePreviewFiles } from './pipeline/write-preview.js';
export { extractInput, type ExtractResult } from './pipeline/extract-inputs.js';
export * from './errors.js';
export type * from './types.js';
