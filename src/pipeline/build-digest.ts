import type { ResolvedConfig } from '../config/resolve-config.js';
import { describeError, isDigestError, type ErrorCode } from '../errors.js';
import { fetchResource, type FetchOptions } from '../fetch/fetch-resource.js';
import { createLimiter, type Limiter } from '../fetch/limit.js';
import { capAtWord } from '../text/whitespace.js';
import { STORY_CAPS } from '../parse/bound-fields.js';
import { stripControls } from '../parse/repair-text.js';
import { describeLeftOutStory } from '../render/size-budget.js';
import { selectItems, type Candidate, type Decision, type FeedItems } from '../select/select-items.js';
import { feedKey, itemId } from '../select/item-id.js';
import { leftOutStories } from '../select/left-out.js';
import { hasFilters } from '../select/filter-terms.js';
import type { FeedOutcome, FeedState, StateStore } from '../state/state-store.js';
import type { ArticleInput, CleanArticle, Digest, DigestItem, FeedFailure, FeedSource, Quote, RawItem } from '../types.js';
import { assembleDigest } from './assemble-digest.js';
import { openFeedParser, THREADED_FROM_FEEDS, type FeedParser } from './feed-parser.js';
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
  /**
   * Called once, when the first feed with an item not seen before has been read: there will
   * probably be stories to render, so the caller can prepare for that while the other feeds are
   * fetched.
   */
  onNews?: (() => void) | undefined;
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
  /**
   * Items and feeds an older state file knows by keys scoped to an absolute path (version 0.1.0):
   * a run records them under their current keys (StateStore.adoptLegacy*).
   */
  legacy: { feeds: { key: string; legacyKey: string }[]; items: { feedKey: string; id: string; legacyId: string }[] };
}

interface FeedFetch {
  source: FeedSource;
  outcome: FeedOutcome;
  feed?: FeedItems;
  failure?: FeedFailure;
  /** Keys an older state file knows this feed by (see StateStore.legacyFeedKeys). */
  legacyKeys: string[];
  /** Problems with single items of a feed that was read (the rest of it goes out). */
  warnings?: string[];
}

/**
 * The stages that read content (rss-parser, in this thread or a parser thread: feed-parser.ts;
 * linkedom, Readability and sanitize-html) load the first time a feed has a body to parse or an
 * item is chosen: a run where every feed answers 304 never loads them (ARCHITECTURE.md, "Start-up").
 */
const checkStage = () => import('./check-items.js');
const contentStages = () => import('./content-stages.js');

/** Whether a feed has brought an item not seen before yet (BuildOptions.onNews), and saying so once. */
interface NewsSignal {
  noticed: boolean;
  notice(): void;
}

/** How long a feed that answered 410 Gone is left alone before it is tried again. */
const GONE_RECHECK_MS = 7 * 86_400_000;

/** Below this many words a feed item is a teaser, and fullText: auto fetches the article page. */
const TEASER_WORDS = 120;

/** What the state knows of a feed (under its key, or keys an older state file used): read once per run. */
interface KnownFeed {
  legacyKeys: string[];
  state: FeedState | undefined;
}

function knownFeed(source: FeedSource, store: StateStore | undefined): KnownFeed {
  const key = feedKey(source);
  const legacyKeys = store?.legacyFeedKeys(key) ?? [];
  return { legacyKeys, state: store?.findFeed(key, legacyKeys) };
}

async function fetchOne(source: FeedSource, known: KnownFeed, config: ResolvedConfig, options: BuildOptions, parser: FeedParser, news: NewsSignal): Promise<FeedFetch> {
  const key = feedKey(source);
  const store = options.store;
  const { legacyKeys, state } = known;
  const url = state?.movedTo ?? source.url;
  const name = displayName(source, state?.title ?? undefined);
  const failed = (code: ErrorCode, message: string, extra: Partial<FeedOutcome> = {}): FeedFetch => ({
    source,
    legacyKeys,
    outcome: { url: key, ok: false, status: code, error: message, ...extra },
    failure: {
      feed: stripControls(name),
      url: source.url,
      code,
      message: stripControls(message),
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
      undecoded: true,
      ...(options.mode === 'run' && state ? { validators: { ...(state.etag ? { etag: state.etag } : {}), ...(state.lastModified ? { lastModified: state.lastModified } : {}) } } : {}),
      ...options.fetch,
    });
    const movedTo = result.movedTo;
    if (result.status === 'not-modified') {
      return {
        source,
        legacyKeys,
        outcome: { url: key, ok: true, status: 'not-modified', ...(movedTo ? { movedTo } : {}) },
        feed: { source, name, section: source.section ?? name, items: [], firstRun: false },
      };
    }
    const parsed = await parser.parse({ bytes: result.bytes ?? Buffer.alloc(0), contentType: result.contentType, url: result.url });
    const { checkItems } = await checkStage();
    const feedName = displayName(source, parsed.title, parsed.link);
    const warnings = (parsed.warnings ?? []).map((warning) => `${feedName}: ${warning.item}: ${warning.message}`);
    const items = checkItems(feedName, key, parsed.items, options.now, warnings);
    // Working out the ids now (they are remembered per item) also tells, until some feed has,
    // whether this feed has anything not seen before: then the run will have stories to render.
    const ids = items.map((item) => itemId(item, key));
    if (!news.noticed && ids.length > 0 && (!store || store.seenIds(ids).size < ids.length)) news.notice();
    return {
      warnings,
      source,
      legacyKeys,
      outcome: {
        url: key,
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
        firstRun: store ? [key, ...legacyKeys].every((k) => store.isNewFeed(k)) : false,
      },
    };
  } catch (error) {
    const code: ErrorCode = isDigestError(error) ? error.code : 'FEED_ERROR';
    return failed(code, describeError(error), code === 'FETCH_GONE' ? { gone: true } : {});
  }
}

/**
 * The story as the email may show it: feed text was cleaned of control characters when parsed, a
 * linked page's was not, so every field is cleaned (and capped) here; known by the feed's key.
 */
function safeStory(story: DigestItem, source: FeedSource, ledeWords: number): DigestItem {
  return {
    ...story,
    feedName: capAtWord(stripControls(story.feedName), STORY_CAPS.feedName),
    feedUrl: feedKey(source),
    section: stripControls(story.section),
    headline: stripControls(story.headline),
    lede: capAtWord(stripControls(story.lede), ledeWords * STORY_CAPS.ledeCharsPerWord),
    quote: boundedQuote(story.quote),
    image: story.image?.alt === undefined ? story.image : { ...story.image, alt: stripControls(story.image.alt) },
    text: stripControls(story.text),
    alsoIn: story.alsoIn.map((name) => stripControls(name)),
  };
}

/** The quote without control characters, or none when it is too long to be a quote (a page's whole text in quotation marks). */
function boundedQuote(quote: Quote | null): Quote | null {
  if (!quote) return null;
  const text = stripControls(quote.text);
  const speaker = stripControls(quote.speaker);
  return text.length > STORY_CAPS.quote || speaker.length > STORY_CAPS.speaker ? null : { text, speaker };
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
  // Bodies are expected from feeds the state has no validators for (new ones, or servers that
  // never answer 304): with enough of them, the parser threads start before the first arrives.
  const known = config.feeds.map((source) => knownFeed(source, options.store));
  const expectBodies = known.filter(({ state }) => options.mode !== 'run' || !state || (!state.etag && !state.lastModified)).length;
  const parser = openFeedParser(config.feeds.length, { startNow: expectBodies >= THREADED_FROM_FEEDS });
  // With the first feed that has an item not seen before, start loading the stages that clean
  // and render stories, so the loading overlaps the fetching instead of following it. (Measured
  // on 200 feeds: sooner is better than once every feed has answered, though loading holds this
  // thread for a while: the fetching is mostly waiting, here and in the parser thread.) A run
  // with nothing new, 304s or not, loads none of it.
  const news: NewsSignal = {
    noticed: false,
    notice() {
      if (news.noticed) return;
      news.noticed = true;
      contentStages().catch(() => undefined);
      options.onNews?.();
    },
  };
  let fetched: FeedFetch[];
  try {
    fetched = await Promise.all(
      config.feeds.map((source, index) =>
        limit(source.url, () => fetchOne(source, known[index]!, config, options, parser, news)).then((result) => {
          options.onProgress?.({ stage: 'fetch', done: ++done, total: config.feeds.length, feed: result.feed?.name ?? source.url });
          return result;
        }),
      ),
    );
  } finally {
    await parser.close();
  }

  for (const result of fetched) warnings.push(...(result.warnings ?? []));
  const feeds = fetched.flatMap((f) => (f.feed ? [f.feed] : []));
  const failures = fetched.flatMap((f) => (f.failure ? [f.failure] : []));
  const { seen, legacyItems } = seenItems(fetched, options.store);
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

  for (const decision of selection.decisions) {
    if (decision.verdict === 'oversized') warnings.push(describeLeftOutStory({ feedName: decision.feed, headline: decision.title, url: decision.link }, decision.detail ?? 'it is too big to send'));
  }

  let items: DigestItem[] = await Promise.all(selection.chosen.map(async (candidate) => {
    const { cleanArticle, buildStory } = await contentStages();
    const article = await articleFor(candidate.item, candidate.feed.source, config, options, limit, warnings);
    return safeStory(buildStory(candidate, () => article.cleaned ?? cleanArticle(article.input), config, warnings), candidate.feed.source, config.limits.ledeWords);
  }));
  if (config.fetch.measureImages && items.some((item) => item.image && item.image.width === null)) {
    const { measureImages } = await contentStages();
    items = await measureImages(items, {
      limit,
      // Image addresses come from feeds, like article links: the same guard against this machine's network.
      fetch: { timeoutMs: config.fetch.timeoutSeconds * 1000, allowPrivateNetwork: config.fetch.allowPrivateArticles, ...options.fetch },
    });
  }

  // Keyed as the decisions are: by the feed's key (a local feed's path relative to the config).
  const sites = new Map(feeds.flatMap((feed) => (feed.siteUrl ? [[feedKey(feed.source), feed.siteUrl] as const] : [])));
  const itemsById = new Map(feeds.flatMap((feed) => feed.items.map((item) => [itemId(item, feedKey(feed.source)), item] as const)));
  const sectionOfFeed = new Map(feeds.map((feed) => [feedKey(feed.source), stripControls(feed.section)] as const));
  const leftOut = leftOutStories(selection.decisions, {
    feedSite: (url) => sites.get(url),
    sectionOf: (url) => sectionOfFeed.get(url),
    itemOf: (id) => itemsById.get(id),
    headlineLength: config.limits.headlineLength,
  });
  return {
    digest: assembleDigest(config, items, failures, options.now, leftOut),
    feedOutcomes: fetched.map((f) => f.outcome),
    decisions: selection.decisions,
    chosen: selection.chosen,
    fellBackToLatest,
    warnings,
    legacy: {
      feeds: fetched.flatMap((f) => (f.legacyKeys.length > 0 && options.store && !options.store.getFeed(feedKey(f.source)) ? [{ key: feedKey(f.source), legacyKey: f.legacyKeys[0]! }] : [])),
      items: legacyItems,
    },
  };
}

/**
 * Which items were seen before: by their id, or, for a local feed an older state file knows by an
 * absolute path, by the id that path gave them (then listed in `legacyItems`, to be adopted).
 */
function seenItems(fetched: readonly FeedFetch[], store: StateStore | undefined): { seen: Set<string>; legacyItems: BuiltDigest['legacy']['items'] } {
  const legacyItems: BuiltDigest['legacy']['items'] = [];
  if (!store) return { seen: new Set(), legacyItems };
  const ids: string[] = [];
  const legacyOf = new Map<string, { feedKey: string; legacyIds: string[] }>();
  for (const f of fetched) {
    if (!f.feed) continue;
    const key = feedKey(f.source);
    for (const item of f.feed.items) {
      const id = itemId(item, key);
      ids.push(id);
      const legacyIds = f.legacyKeys.map((legacyKey) => itemId(item, legacyKey)).filter((legacyId) => legacyId !== id);
      if (legacyIds.length > 0) legacyOf.set(id, { feedKey: key, legacyIds });
    }
  }
  const known = store.seenIds([...ids, ...[...legacyOf.values()].flatMap((l) => l.legacyIds)]);
  const seen = new Set<string>();
  for (const id of ids) {
    if (known.has(id)) {
      seen.add(id);
      continue;
    }
    const legacy = legacyOf.get(id);
    const legacyId = legacy?.legacyIds.find((candidate) => known.has(candidate));
    if (legacy && legacyId) {
      seen.add(id);
      legacyItems.push({ feedKey: legacy.feedKey, id, legacyId });
    }
  }
  return { seen, legacyItems };
}
