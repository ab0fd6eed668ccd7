import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { watch, type FSWatcher } from 'chokidar';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { describeError, displayPath, isDigestError } from '../errors.js';
import type { FetchOptions } from '../fetch/fetch-resource.js';
import { assembleDigest } from '../pipeline/assemble-digest.js';
import { buildDigest } from '../pipeline/build-digest.js';
import { sendTestDigest, type TestSendResult } from '../pipeline/run-digest.js';
import { checkEmail, type EmailCheck } from '../render/check-email.js';
import { loadTheme } from '../render/load-theme.js';
import { personalise } from '../render/personalise.js';
import { previewLinks } from '../audience/reader-links.js';
import { renderDigest, type RenderWarning } from '../render/render-digest.js';
import { renderSettings } from '../pipeline/render-settings.js';
import type { SizeReport } from '../render/size-budget.js';
import { StateStore } from '../state/state-store.js';
import type { FeedFailure } from '../types.js';
import { feedSignature, previewCacheFile, readPreviewCache, writePreviewCache, type PreviewCache } from './preview-cache.js';

/**
 * What `digest serve` keeps between saves: the config, the fetched stories (preview-cache.ts), the
 * last good rendering and the last error. File events schedule a rebuild after a short quiet
 * period; rebuilds never overlap (events during one queue exactly one more). A template save
 * only re-renders; a config or feed-list save reloads the config, and fetches only when the
 * config changed what is fetched. A failure of any step is kept as the session's error, next to
 * the last good rendering, until the next good save clears it.
 */

export interface PreviewSessionOptions {
  /** Loads the config (again); throws ConfigError for a broken one. */
  loadConfig: () => ResolvedConfig;
  /** The config file to watch, even while it is broken; none for the built-in defaults. */
  configFile?: string | undefined;
  /** The folder the config loader shows paths relative to (default: the working folder). */
  cwd?: string;
  now?: () => Date;
  /** Fetch the feeds at start even when cached stories exist. */
  refresh?: boolean;
  /** Quiet period after a file event before rebuilding, in ms (default 60). */
  debounceMs?: number;
  /** Fetch settings beyond the config's (tests). */
  fetch?: Partial<FetchOptions>;
  /** Called after every rebuild (the CLI logs it). */
  onRebuild?: (event: RebuildEvent) => void;
}

export interface RebuildEvent {
  version: number;
  ok: boolean;
  /** performance.now() when the rebuild started; it took `ms`. */
  startedAt: number;
  ms: number;
  /** What triggered it: changed files (as shown to the user), "start" or "refresh". */
  reasons: string[];
  fetched: boolean;
  error?: string;
}

export interface SourceFrame {
  file: string;
  /** 1-based number of lines[0]. */
  firstLine: number;
  lines: string[];
  /** 1-based line to highlight. */
  line: number;
}

export interface PreviewError {
  kind: 'config' | 'template' | 'fetch' | 'internal';
  code: string;
  message: string;
  hint?: string;
  file?: string;
  line?: number;
  column?: number;
  frame?: SourceFrame;
}

export interface PreviewRender {
  /** Changes whenever the email changes: the page reloads its frames when it does. */
  id: number;
  theme: string;
  templateDir: string;
  subject: string;
  preheader: string;
  text: string;
  htmlBytes: number;
  size: SizeReport;
  /** MJML's problems, traced to template lines: `digest run` would refuse to send these. */
  warnings: (RenderWarning & { frame?: SourceFrame })[];
  checks: EmailCheck[];
  renderedAt: string;
  renderMs: number;
}

/** What the event stream says after each rebuild: enough for the page to reload its frames at once. */
export interface PreviewUpdate {
  version: number;
  status: PreviewState['status'];
  renderId: number | null;
}

export interface PreviewState {
  version: number;
  status: 'loading' | 'ok' | 'error';
  error: PreviewError | null;
  /** The last good rendering (kept while there is an error). */
  render: PreviewRender | null;
  feeds: {
    fetchedAt: string | null;
    fetching: boolean;
    total: number;
    ok: number;
    failed: FeedFailure[];
    items: number;
    warnings: string[];
    fellBackToLatest: boolean;
  };
  send: { enabled: boolean; transport: string; defaultTo: string };
  watching: string[];
  config: { file: string | null; template: string | null; from: string | null };
}

/** The reader the preview shows: no real subscriber's address appears on screen. */
const PREVIEW_RECIPIENT = { email: 'subscriber@example.com', name: 'Subscriber', fields: {} };

/** Editors' temporary and backup files: never a reason to rebuild. */
const JUNK = /(^|[\\/])(\.[^\\/]*|[^\\/]*~|[^\\/]*\.(sw[a-p]|tmp|bak))$/;

export class PreviewSession {
  private config: ResolvedConfig | undefined;
  private configStale = true;
  private fetchRequested: boolean;
  private cache: PreviewCache | undefined;
  private cacheLoaded = false;
  private fetching = false;
  private error: PreviewError | null = null;
  private rendered: PreviewRender | null = null;
  private html = '';
  private mjml = '';
  private version = 0;
  private renderId = 0;
  private reasons = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private watcher: FSWatcher | undefined;
  private watcherReady: Promise<void> = Promise.resolve();
  private watched = new Set<string>();
  private listeners = new Set<(state: PreviewUpdate) => void>();
  private closed = false;
  private readonly now: () => Date;
  private readonly debounceMs: number;

  constructor(private readonly options: PreviewSessionOptions) {
    this.now = options.now ?? (() => new Date());
    // chokidar drops a second change to a file within 50 ms of the first (and never reports it
    // later): waiting longer than that before reading means such a write is already on disk.
    this.debounceMs = Math.max(options.debounceMs ?? 60, 55);
    this.fetchRequested = Boolean(options.refresh);
  }

  /** The first build (fetch or cache, then render), then watching. */
  async start(): Promise<void> {
    this.reasons.add('start');
    await this.run();
    // From here on, a save is seen: the watcher has read the folders it watches.
    await this.watcherReady;
    await this.warmUp();
  }

  /**
   * Renders twice more, unseen: the first renders after start run cold (V8 has not optimised
   * MJML's code yet) and take several times longer, which an editor would feel on the first save.
   */
  private async warmUp(): Promise<void> {
    if (!this.config || !this.cache || this.error) return;
    try {
      for (let i = 0; i < 2; i++) {
        await renderDigest(assembleDigest(this.config, this.cache.items, this.cache.failures, this.now(), this.cache.leftOut), loadTheme(this.config), renderSettings(this.config), { validation: 'soft' });
      }
    } catch {
      // The real render already reported any problem.
    }
  }

  /** Fetch the feeds again (the page's button). */
  refresh(): Promise<void> {
    this.fetchRequested = true;
    this.reasons.add('refresh');
    return this.run();
  }

  onUpdate(listener: (state: PreviewUpdate) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The email as the preview reader gets it. */
  emailHtml(): string {
    return this.html;
  }

  emailMjml(): string {
    return this.mjml;
  }

  state(): PreviewState {
    const config = this.config;
    const cache = this.cache;
    return {
      version: this.version,
      status: this.error ? 'error' : this.rendered ? 'ok' : 'loading',
      error: this.error,
      render: this.rendered,
      feeds: {
        fetchedAt: cache?.fetchedAt ?? null,
        fetching: this.fetching,
        total: cache?.feeds.total ?? 0,
        ok: cache?.feeds.ok ?? 0,
        failed: cache?.failures ?? [],
        items: cache?.items.length ?? 0,
        warnings: cache?.warnings ?? [],
        fellBackToLatest: cache?.fellBackToLatest ?? false,
      },
      send: {
        enabled: config?.transport === 'smtp',
        transport: config?.transport === 'smtp' && config.smtpUrl ? `SMTP ${safeHost(config.smtpUrl)}` : 'none (set SMTP_URL to send a test)',
        defaultTo: config?.recipients[0]?.email ?? '',
      },
      watching: [...this.watched].map((p) => displayPath(p)),
      config: { file: config?.source ? displayPath(config.source) : this.options.configFile ? displayPath(this.options.configFile) : null, template: config?.template ?? null, from: config?.from ?? null },
    };
  }

  /** Sends the current digest to one address over the configured SMTP server. */
  async sendTest(to: string): Promise<TestSendResult> {
    if (!this.config) throw new Error('the config could not be loaded');
    return sendTestDigest(this.config, to, { now: this.now, ...(this.options.fetch ? { fetch: this.options.fetch } : {}) });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.listeners.clear();
    await this.watcher?.close();
    await this.running?.catch(() => undefined);
  }

  /**
   * A file changed (the watcher calls this for every event): rebuild after a quiet period, so an
   * editor's burst of writes is one rebuild.
   */
  fileChanged(file: string): void {
    if (this.closed) return;
    const isConfig = file === this.configPath() || (this.config?.feedLists.includes(file) ?? false);
    if (isConfig) this.configStale = true;
    this.reasons.add(displayPath(file));
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, this.debounceMs);
  }

  /** Resolves once no rebuild is running or waiting out its quiet period. */
  async settled(): Promise<void> {
    while (this.timer || this.running) {
      await (this.running ?? new Promise((resolve) => setTimeout(resolve, this.debounceMs)));
    }
  }

  /** Runs rebuilds one at a time; a request during a rebuild queues one more, not one each. */
  private run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          const reasons = [...this.reasons];
          this.reasons.clear();
          await this.rebuild(reasons);
        } while (this.again && !this.closed);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private configPath(): string | undefined {
    return this.options.configFile ?? this.config?.source ?? undefined;
  }

  private async rebuild(reasons: string[]): Promise<void> {
    const started = performance.now();
    let fetched = false;
    const finish = () => {
      this.version++;
      this.emit();
      this.options.onRebuild?.({ version: this.version, ok: !this.error, startedAt: started, ms: performance.now() - started, reasons, fetched, ...(this.error ? { error: this.error.message } : {}) });
    };

    if (this.configStale || !this.config) {
      try {
        this.config = this.options.loadConfig();
        this.configStale = false;
      } catch (error) {
        this.error = toPreviewError(error, 'config', this.options.cwd);
        this.updateWatches();
        return finish();
      }
      this.updateWatches();
    }
    const config = this.config;

    const signature = feedSignature(config);
    if (!this.cacheLoaded) {
      this.cacheLoaded = true;
      if (!this.fetchRequested) this.cache = readPreviewCache(previewCacheFile(config));
    }
    if (this.fetchRequested || !this.cache || this.cache.signature !== signature) {
      this.fetching = true;
      this.emit();
      try {
        this.cache = await this.fetchFeeds(config, signature);
        fetched = true;
      } catch (error) {
        this.error = toPreviewError(error, 'fetch');
        return finish();
      } finally {
        this.fetching = false;
        this.fetchRequested = false;
      }
    }

    const renderStart = performance.now();
    try {
      const templates = loadTheme(config);
      const settings = renderSettings(config);
      const digest = assembleDigest(config, this.cache.items, this.cache.failures, this.now(), this.cache.leftOut);
      const rendered = await renderDigest(digest, templates, settings, { validation: 'soft' });
      const personal = personalise(rendered, PREVIEW_RECIPIENT, previewLinks(config, config.readerTokens));
      this.html = personal.html;
      this.mjml = rendered.mjml;
      this.rendered = {
        id: ++this.renderId,
        theme: config.template,
        templateDir: displayPath(config.templateDir),
        subject: personal.subject,
        preheader: rendered.preheader,
        text: personal.text,
        htmlBytes: Buffer.byteLength(personal.html),
        size: rendered.size,
        warnings: rendered.warnings.map((warning) => ({ ...warning, ...frameFor(warning.file, warning.line) })),
        checks: checkEmail(personal.html, { unsubscribeUrl: personal.unsubscribeUrl, preheader: rendered.preheader, maxBytes: settings.maxHtmlBytes ?? null }),
        renderedAt: this.now().toISOString(),
        renderMs: Math.round(performance.now() - renderStart),
      };
      this.error = null;
    } catch (error) {
      this.error = toPreviewError(error, 'template');
    }
    finish();
  }

  private async fetchFeeds(config: ResolvedConfig, signature: string): Promise<PreviewCache> {
    const store = config.statePath !== ':memory:' && existsSync(config.statePath) ? StateStore.open(config.statePath) : undefined;
    let built;
    try {
      built = await buildDigest(config, { store, now: this.now(), mode: 'preview', fetch: this.options.fetch });
    } finally {
      store?.close();
    }
    const cache: PreviewCache = {
      version: 3,
      signature,
      fetchedAt: this.now().toISOString(),
      items: built.digest.items,
      leftOut: built.digest.leftOut,
      failures: built.digest.failures,
      feeds: { total: built.feedOutcomes.length, ok: built.feedOutcomes.filter((o) => o.ok).length },
      warnings: [...built.warnings],
      fellBackToLatest: built.fellBackToLatest,
    };
    try {
      writePreviewCache(previewCacheFile(config), cache);
    } catch (error) {
      cache.warnings.push(`could not keep the fetched stories for the next start (${describeError(error)})`);
    }
    return cache;
  }

  /** Watches the theme, the partials folder, the config and its feed lists: native events, no polling. */
  private updateWatches(): void {
    if (this.closed) return;
    const config = this.config;
    const wanted = new Set(
      [this.configPath(), config?.templateDir, config?.partialsDir, ...(config?.feedLists ?? [])].filter((p): p is string => Boolean(p)).map((p) => path.resolve(p)),
    );
    const added = [...wanted].filter((p) => !this.watched.has(p));
    const removed = [...this.watched].filter((p) => !wanted.has(p));
    this.watched = wanted;
    if (!this.watcher) {
      if (wanted.size === 0) return;
      this.watcher = watch([...wanted], {
        ignoreInitial: true,
        usePolling: false,
        ignored: (file: string) => !this.watched.has(path.resolve(file)) && JUNK.test(file),
      });
      this.watcher.on('all', (_event, file) => this.fileChanged(path.resolve(file)));
      this.watcher.on('error', () => undefined);
      const watcher = this.watcher;
      this.watcherReady = new Promise((resolve) => watcher.once('ready', () => resolve()));
      return;
    }
    if (removed.length) void this.watcher.unwatch(removed);
    if (added.length) this.watcher.add(added);
  }

  private emit(): void {
    const state: PreviewUpdate = { version: this.version, status: this.state().status, renderId: this.rendered?.id ?? null };
    for (const listener of this.listeners) listener(state);
  }
}

export function createPreviewSession(options: PreviewSessionOptions): PreviewSession {
  return new PreviewSession(options);
}

function safeHost(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}`;
  } catch {
    return '';
  }
}

/** An error as the page shows it: what, where (with the lines around it), what to do. */
export function toPreviewError(error: unknown, kind: PreviewError['kind'], cwd = process.cwd()): PreviewError {
  if (isDigestError(error)) {
    const { file, line, column } = error.context;
    const absolute = file ? path.resolve(cwd, file) : undefined;
    return {
      kind,
      code: error.code,
      message: error.message,
      ...(error.hint ? { hint: error.hint } : {}),
      ...(file ? { file } : {}),
      ...(line ? { line } : {}),
      ...(column ? { column } : {}),
      ...frameFor(absolute, line),
    };
  }
  return {
    kind: 'internal',
    code: 'INTERNAL',
    message: describeError(error),
    hint: 'This looks like a bug: the server keeps running; please report it with the message above.',
  };
}

/** The template lines around `line`, for the page to show where a problem is. */
export function frameFor(file: string | undefined, line: number | undefined, context = 3): { frame?: SourceFrame } {
  if (!file || !line) return {};
  try {
    const lines = readFileSync(path.resolve(file), 'utf8').split('\n');
    const firstLine = Math.max(1, line - context);
    return { frame: { file: displayPath(path.resolve(file)), firstLine, line, lines: lines.slice(firstLine - 1, Math.min(lines.length, line + context)) } };
  } catch {
    return {};
  }
}
