import type { ResolvedConfig } from '../config/resolve-config.js';
import { describeError, isDigestError } from '../errors.js';
import { fetchResource, type FetchOptions } from '../fetch/fetch-resource.js';
import { createLimiter, type Limiter } from '../fetch/limit.js';
import { selectItems, type Candidate, type Decision, type FeedItems } from '../select/select-items.js';
import { itemId } from '../select/item-id.js';
import { leftOutStories } from '../select/left-out.js';
import { hasFilters } from '../select/filter-terms.js';
import type { FeedOutcome, StateStore } from '../state/state-store.js';
import type { ArticleInput, CleanArticle, Digest, DigestItem, FeedFailure, FeedSource, RawItem } from '../types.js';
import { assembleDigest } from './assemble-digest.js';
import { displayName } from '../config/display-name.js';

export type ProgressEvent =
  | { stage: 'fetch'; done: number; total: number; feed: string }
  | { stage: 'send'; done: number; total: number; recipient: string };

export interface BuildOptions {
  /** Seen items and HTTP validators; without it every item is new. */
  store?: StateStore | undefined;
  now: Date;
  /**
   * run: conditional GET (a 304 costs no parsing), only unseen items.
   * dry-run: full GET so every item can be explained, only unseen items chosen.
   * preview: full GET; when nothing is new, the latest items instead.
   */
  mode: 'run' | 'dry-run' | 'preview';
  onProgress?: ((event: ProgressEvent) => void) | undefined;
  /** Fetch settings beyond the config's (tests allow private addresses for article pages). */
  fetch?: Partial<FetchOptions> | undefined;
}

export interface BuiltDigest {
  digest: Digest;
  /** Per feed: how the fetch went, and the validators to remember (stored when the run commits). */
  feedOutcomes: FeedOutcome[];
  /** Every candidate item and why it was or was not chosen. */
  decisions: Decision[];
  chosen: Candidate[];
  /** Preview only: nothing was new, so the latest items are shown instead. */
  fellBackToLatest: boolean;
  warnings: string[];
}

interface FeedFetch {
  source: FeedSource;
  outcome: FeedOutcome;
  feed?: FeedItems;
  failure?: FeedFailure;
  /** Problems with single items of a feed that was read (the rest of it goes out). */
  warnings?: string[];
}

/**
 * The stages that read content (rss-parser; linkedom, Readability and sanitize-html) load the first
 * time a feed has a body to parse or an item is chosen: a run where every feed answers 304 never
 * loads them (ARCHITECTURE.md, "Start-up").
 */
const parseStage = () => Promise.all([import('../parse/parse-feed.js'), import('./check-items.js')]).then(([parse, check]) => ({ ...parse, ...check }));
const contentStages = () => import('./content-stages.js');

/** How long a feed that answered 410 Gone is left alone before it is tried again. */
const GONE_RECHECK_MS = 7 * 86_400_000;

/** Below this many words a feed item is a teaser, and fullText: auto fetches the article page. */
const TEASER_WORDS = 120;

async function fetchOne(source: FeedSource, config: ResolvedConfig, options: BuildOptions): Promise<FeedFetch> {
  const state = options.store?.getFeed(source.url);
  const url = state?.movedTo ?? source.url;
  const name = displayName(source, state?.title ?? undefined);
  const failed = (code: string, message: string, extra: Partial<FeedOutcome> = {}): FeedFetch => ({
    source,
    outcome: { url: source.url, ok: false, status: code, error: message, ...extra },
    failure: {
      feed: name,
      url: source.url,
      code,
      message,
      consecutiveFailures: (state?.consecutiveFailures ?? 0) + 1,
      ...(state?.lastSuccessAt ? { lastSuccessAt: state.lastSuccessAt } : {}),
    },
  });
  // A feed that answered 410 Gone is not asked again every run; once a week, in case it returns.
  if (state?.gone && state.lastAttemptAt && options.now.getTime() - Date.parse(state.lastAttemptAt) < GONE_RECHECK_MS) {
    return failed('FEED_GONE', `the server said this feed is gone (HTTP 410) on ${state.lastAttemptAt.slice(0, 10)}; remove it from the config`, { gone: true });
  }
  try {
    const result = await fetchResource(url, {
      timeoutMs: config.fetch.timeoutSeconds * 1000,
      maxBytes: config.fetch.maxMegabytes * 1024 * 1024,
      baseDir: config.baseDir,
      allowPrivateNetwork: true,
      ...(options.mode === 'run' && state ? { validators: { ...(state.etag ? { etag: state.etag } : {}), ...(state.lastModified ? { lastModified: state.lastModified } : {}) } } : {}),
      ...options.fetch,
    });
    const movedTo = result.movedTo;
    if (result.status === 'not-modified') {
      return {
        source,
        outcome: { url: source.url, ok: true, status: 'not-modified', ...(movedTo ? { movedTo } : {}) },
        feed: { source, name, section: source.section ?? name, items: [], firstRun: false },
      };
    }
    const { parseFeed, checkItems } = await parseStage();
    const parsed = await parseFeed(result.text ?? '', { url: result.url });
    const feedName = displayName(source, parsed.title, parsed.link);
    const warnings = (parsed.warnings ?? []).map((warning) => `${feedName}: ${warning.item}: ${warning.message}`);
    const items = checkItems(feedName, source.url, parsed.items, options.now, warnings);
    return {
      warnings,
      source,
      outcome: {
        url: source.url,
        ok: true,
        status: 'ok',
        ...(parsed.title ? { title: parsed.title } : {}),
        ...(result.validators.etag ? { etag: result.validators.etag } : {}),
        ...(result.validators.lastModified ? { lastModified: result.validators.lastModified } : {}),
        ...(movedTo ? { movedTo } : {}),
      },
      feed: {
        source,
        name: feedName,
        section: source.section ?? feedName,
        items,
        ...(parsed.link && /^https?:\/\//i.test(parsed.link) ? { siteUrl: parsed.link } : {}),
        firstRun: options.store ? options.store.isNewFeed(source.url) : false,
      },
    };
  } catch (error) {
    const code = isDigestError(error) ? error.code : 'FEED_ERROR';
    return failed(code, describeError(error), code === 'FETCH_GONE' ? { gone: true } : {});
  }
}


/**
 * The article for one item: the feed's own content, or the linked page when the feed only has a
 * teaser. A page is cleaned to judge it, and handed on cleaned so it is not cleaned twice.
 */
async function articleFor(
  item: RawItem,
  source: FeedSource,
  config: ResolvedConfig,
  options: BuildOptions,
  limit: Limiter,
  warnings: string[],
): Promise<{ input: ArticleInput; cleaned?: CleanArticle }> {
  const { cleanArticle, countWords, feedArticle, wordCount } = await contentStages();
  const feedInput = feedArticle(item);
  const { html, text } = feedInput;
  const mode = source.fullText ?? 'auto';
  const short = wordCount(html ?? text) < TEASER_WORDS;
  if (!item.link || !/^https?:/i.test(item.link) || mode === 'never' || (mode === 'auto' && !short)) return { input: feedInput };
  try {
    const link = item.link;
    const page = await limit(link, () => fetchResource(link, {
      timeoutMs: config.fetch.timeoutSeconds * 1000,
      maxBytes: config.fetch.maxMegabytes * 1024 * 1024,
      // Links in feeds come from strangers: by default they may not reach this machine's network.
      allowPrivateNetwork: config.fetch.allowPrivateArticles,
      ...options.fetch,
    }));
    const fromPage = { ...(item.title ? { title: item.title } : {}), html: page.text ?? '', url: page.url };
    const cleaned = cleanArticle(fromPage);
    // Use the page only when it has more to say than the feed did.
    if (mode === 'always' || countWords(cleaned.paragraphs.join(' ')) > wordCount(html ?? text)) return { input: fromPage, cleaned };
  } catch (error) {
    warnings.push(`${item.link}: could not fetch the full article (${describeError(error)}); used the feed's text`);
  }
  return { input: feedInput };
}

/**
 * Fetch → parse → select → clean → trim → assemble. Reads state but writes none: the caller
 * commits the outcomes once the digest has been rendered and recorded.
 */
export async function buildDigest(config: ResolvedConfig, options: BuildOptions): Promise<BuiltDigest> {
  const warnings: string[] = [];
  // One limiter for feeds and article pages: a global cap, and a per-host cap so twenty feeds
  // from one publisher do not hammer it.
  const limit = createLimiter({ global: config.fetch.concurrency, perHost: config.fetch.perHost });
  let done = 0;
  const fetched = await Promise.all(
    config.feeds.map((source) =>
      limit(source.url, () => fetchOne(source, config, options)).then((result) => {
        options.onProgress?.({ stage: 'fetch', done: ++done, total: config.feeds.length, feed: result.feed?.name ?? source.url });
        return result;
      }),
    ),
  );

  for (const result of fetched) warnings.push(...(result.warnings ?? []));
  const feeds = fetched.flatMap((f) => (f.feed ? [f.feed] : []));
  const failures = fetched.flatMap((f) => (f.failure ? [f.failure] : []));
  const allIds = feeds.flatMap((feed) => feed.items.map((item) => itemId(item, feed.source.url)));
  const seen = options.store ? options.store.seenIds(allIds) : new Set<string>();
  const selectOptions = {
    seen,
    perFeed: config.limits.perFeed,
    total: config.limits.total,
    firstRun: config.limits.firstRun,
    maxAgeDays: config.limits.maxAgeDays,
    now: options.now,
    // The filter module (entity tables, word counter) only when a feed has filters.
    ...(feeds.some((feed) => hasFilters(feed.source)) ? { filters: await import('../select/feed-filters.js') } : {}),
  };
  let selection = selectItems(feeds, selectOptions);
  let fellBackToLatest = false;
  if (options.mode === 'preview' && selection.chosen.length === 0) {
    const latest = selectItems(feeds, { ...selectOptions, includeSeen: true });
    if (latest.chosen.length > 0) {
      selection = latest;
      fellBackToLatest = true;
    }
  }

  let items: DigestItem[] = await Promise.all(selection.chosen.map(async (candidate) => {
    const { cleanArticle, buildStory } = await contentStages();
    const article = await articleFor(candidate.item, candidate.feed.source, config, options, limit, warnings);
    return buildStory(candidate, () => article.cleaned ?? cleanArticle(article.input), config, warnings);
  }));
  if (config.fetch.measureImages && items.some((item) => item.image && item.image.width === null)) {
    const { measureImages } = await contentStages();
    items = await measureImages(items, {
      limit,
      // Image addresses come from feeds, like article links: the same guard against this machine's network.
      fetch: { timeoutMs: config.fetch.timeoutSeconds * 1000, allowPrivateNetwork: config.fetch.allowPrivateArticles, ...options.fetch },
    });
  }

  const sites = new Map(feeds.flatMap((feed) => (feed.siteUrl ? [[feed.source.url, feed.siteUrl] as const] : [])));
  const itemsById = new Map(feeds.flatMap((feed) => feed.items.map((item) => [itemId(item, feed.source.url), item] as const)));
  const leftOut = leftOutStories(selection.decisions, { feedSite: (url) => sites.get(url), itemOf: (id) => itemsById.get(id), headlineLength: config.limits.headlineLength });
  return {
    digest: assembleDigest(config, items, failures, options.now, leftOut),
    feedOutcomes: fetched.map((f) => f.outcome),
    decisions: selection.decisions,
    chosen: selection.chosen,
    fellBackToLatest,
    warnings,
  };
}
