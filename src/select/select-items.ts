import type { FeedSource, RawItem } from '../types.js';
import { MAX_LINK_LENGTH } from '../parse/bound-fields.js';
import { decodeBasicEntities } from '../text/basic-entities.js';
import { canonicalUrl, feedKey, itemId, titleKey } from './item-id.js';
import { hasFilters } from './filter-terms.js';

/** A feed after fetching and parsing, with the display name and section settled. */
export interface FeedItems {
  source: FeedSource;
  name: string;
  section: string;
  items: RawItem[];
  /** No item of this feed was ever recorded: only its newest few are eligible. */
  firstRun: boolean;
  /** The feed's website, when the feed names it. */
  siteUrl?: string;
}

export interface SelectOptions {
  /** Ids already seen (delivered or skipped before). */
  seen: ReadonlySet<string>;
  perFeed: number;
  total: number;
  firstRun: number;
  /** 0 = no limit. */
  maxAgeDays: number;
  now: Date;
  /**
   * When true, items already seen and items past the age limit are still eligible: previewing the
   * latest items when nothing is new, so an editor always has stories to style.
   */
  includeSeen?: boolean;
  /**
   * The filter module (feed-filters.ts), which the caller loads only when a feed has filters; a
   * feed with filters and no module here is an error, never a silently unfiltered feed.
   */
  filters?: typeof import('./feed-filters.js');
}

export interface Candidate {
  id: string;
  item: RawItem;
  feed: FeedItems;
  alsoIn: string[];
}

export type Verdict =
  | 'included'
  | 'seen'
  | 'too-old'
  | 'future'
  | 'filtered'
  | 'duplicate'
  | 'first-run-backlog'
  | 'over-feed-limit'
  | 'over-total-limit'
  /** Too big to send: a link over MAX_LINK_LENGTH, or (set by the run) too big for any email. */
  | 'oversized';

export interface Decision {
  id: string;
  feed: string;
  /** The feed's identity in the state (`feedKey`): its URL, or a local file's path relative to the config. */
  feedUrl: string;
  title: string;
  link: string | null;
  published: Date | null;
  verdict: Verdict;
  /**
   * For duplicates: the feed whose copy was kept. For filtered items: the filter (`exclude "sport"`).
   * For too-old: the age limit ("older than 7 days"). For oversized items: what is too big.
   */
  detail?: string;
}

export interface Selection {
  chosen: Candidate[];
  decisions: Decision[];
}

/**
 * How `--explain` names an item without a title: the start of its text (as the digest heads it),
 * else its link.
 */
function untitledLabel(item: RawItem): string {
  const html = item.contentHtml ?? item.summary;
  // A label, not the story: tags dropped and the common references decoded (no decoder library:
  // this module loads on every run, even one where every feed answers 304).
  const text = decodeBasicEntities((html ?? item.contentText ?? '').replace(/<[^>]*>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
  if (text) return text.length > 80 ? `${text.slice(0, 79).replace(/\s+\S*$/, '')}…` : text;
  return item.link ?? item.enclosure?.url ?? '(no title or text)';
}

/** Items dated this far ahead are taken as clock skew, not as the future. */
const FUTURE_TOLERANCE_MS = 60 * 60 * 1000;

function newestFirst(a: RawItem, b: RawItem): number {
  const ta = a.published?.getTime();
  const tb = b.published?.getTime();
  if (ta === undefined && tb === undefined) return 0;
  if (ta === undefined) return 1;
  if (tb === undefined) return -1;
  return tb - ta;
}

/**
 * Decides which items go into the digest and records why each other one does not. Pure: the
 * seen-set and the clock come in, a list of choices and reasons goes out.
 */
export function selectItems(feeds: readonly FeedItems[], options: SelectOptions): Selection {
  const decisions: Decision[] = [];
  const decide = (id: string, feed: FeedItems, item: RawItem, verdict: Verdict, detail?: string): void => {
    decisions.push({
      id,
      feed: feed.name,
      feedUrl: feedKey(feed.source),
      title: item.title ?? untitledLabel(item),
      link: item.link ?? null,
      published: item.published ?? null,
      verdict,
      ...(detail ? { detail } : {}),
    });
  };

  const now = options.now.getTime();
  const byKey = new Map<string, Candidate>();
  const titles = new TitleIndex();
  const perFeedChosen: Candidate[][] = [];
  const idsInRun = new Set<string>();

  for (const feed of feeds) {
    const chosen: Candidate[] = [];
    perFeedChosen.push(chosen);
    const limit = feed.source.limit ?? options.perFeed;
    const firstRunCap = feed.firstRun && !options.includeSeen ? options.firstRun : Infinity;
    const maxAgeDays = options.includeSeen ? 0 : (feed.source.maxAgeDays ?? options.maxAgeDays);
    const oldest = maxAgeDays > 0 ? now - maxAgeDays * 86_400_000 : -Infinity;
    if (hasFilters(feed.source) && !options.filters) throw new Error(`selectItems: ${feed.source.url} has filters, but no filter module was given`);
    const filters = options.filters?.compileFilters(feed.source);
    let eligible = 0;
    // A stable sort keeps the feed's own order among undated items.
    for (const item of [...feed.items].sort(newestFirst)) {
      const id = itemId(item, feedKey(feed.source));
      if (idsInRun.has(id)) continue; // the same item twice in one feed
      idsInRun.add(id);
      if (!options.includeSeen && options.seen.has(id)) {
        decide(id, feed, item, 'seen');
        continue;
      }
      const time = item.published?.getTime();
      if (time !== undefined && time > now + FUTURE_TOLERANCE_MS) {
        decide(id, feed, item, 'future');
        continue;
      }
      if (time !== undefined && time < oldest) {
        decide(id, feed, item, 'too-old', `older than ${maxAgeDays} day${maxAgeDays === 1 ? '' : 's'}`);
        continue;
      }
      if (item.link !== undefined && item.link.length > MAX_LINK_LENGTH) {
        decide(id, feed, item, 'oversized', `its link is ${item.link.length.toLocaleString('en')} characters long, over the ${MAX_LINK_LENGTH.toLocaleString('en')} a link may have`);
        continue;
      }
      // Before duplicates: a story held back by its feed's filter must not stand in for another
      // feed's copy of it.
      const held = filters && options.filters!.filterReason(item, filters);
      if (held) {
        decide(id, feed, item, 'filtered', held);
        continue;
      }
      const title = titleKey(item.title);
      const keys = storyKeys(item, title);
      const words = titleWords(title);
      const original = keys.map((key) => byKey.get(key)).find((c) => c !== undefined) ?? titles.find(words);
      if (original) {
        if (original.feed !== feed && !original.alsoIn.includes(feed.name)) original.alsoIn.push(feed.name);
        decide(id, feed, item, 'duplicate', original.feed.name);
        continue;
      }
      eligible++;
      if (eligible > firstRunCap) {
        decide(id, feed, item, 'first-run-backlog');
        continue;
      }
      if (chosen.length >= limit) {
        decide(id, feed, item, 'over-feed-limit');
        continue;
      }
      const candidate: Candidate = { id, item, feed, alsoIn: [] };
      for (const key of keys) byKey.set(key, candidate);
      titles.add(words, candidate);
      chosen.push(candidate);
    }
  }

  // Take the total round-robin across feeds, so one busy feed cannot crowd out the others.
  const taken = new Set<Candidate>();
  for (let rank = 0; taken.size < options.total; rank++) {
    let any = false;
    for (const list of perFeedChosen) {
      const candidate = list[rank];
      if (!candidate) continue;
      any = true;
      if (taken.size < options.total) taken.add(candidate);
    }
    if (!any) break;
  }
  for (const list of perFeedChosen) {
    for (const candidate of list) {
      decide(candidate.id, candidate.feed, candidate.item, taken.has(candidate) ? 'included' : 'over-total-limit');
    }
  }
  const chosen = perFeedChosen.flat().filter((c) => taken.has(c));
  return { chosen, decisions };
}

/** Titles this long or longer are compared for near-identity; shorter ones only by exact match. */
const MIN_TITLE_WORDS = 6;
/** Share of words two titles must have in common (Jaccard) to be the same story. */
const SAME_STORY = 0.85;

/** The words of a title reduced by titleKey. */
function titleWords(title: string): Set<string> {
  return new Set(title.split(' ').filter(Boolean));
}

/**
 * Two titles tell the same story when they share most of their words and differ in no number:
 * "Day 3 of the trial" and "Day 4 of the trial" are two stories.
 */
function sameStory(a: Set<string>, b: Set<string>): boolean {
  let shared = 0;
  for (const word of a) {
    if (b.has(word)) shared++;
    else if (/\d/.test(word)) return false;
  }
  for (const word of b) if (!a.has(word) && /\d/.test(word)) return false;
  return shared / (a.size + b.size - shared) >= SAME_STORY;
}

/**
 * Kept stories by the words of their titles, to find one whose title is nearly the same as a new
 * one ("Port strike ends after 11 days" and "Port strike ends after 11 days, union says").
 */
class TitleIndex {
  private readonly entries: { words: Set<string>; candidate: Candidate }[] = [];
  private readonly byWord = new Map<string, number[]>();

  add(words: Set<string>, candidate: Candidate): void {
    if (words.size < MIN_TITLE_WORDS) return;
    const index = this.entries.push({ words, candidate }) - 1;
    for (const word of words) {
      const list = this.byWord.get(word);
      if (list) list.push(index);
      else this.byWord.set(word, [index]);
    }
  }

  find(words: Set<string>): Candidate | undefined {
    if (words.size < MIN_TITLE_WORDS || this.entries.length === 0) return undefined;
    // With Jaccard ≥ SAME_STORY, fewer than (1 − SAME_STORY)·n + 1 of the n words can be missing
    // from the other title, so it contains one of that many rarest words: only those lists are read.
    const needed = Math.floor((1 - SAME_STORY) * words.size) + 1;
    const counted = [...words].map((word) => ({ word, count: this.byWord.get(word)?.length ?? 0 }));
    // A word no kept title has rules nothing out and needs no reading; a title whose rarest
    // `needed` words are all new to the index matches none.
    if (counted.filter((entry) => entry.count === 0).length >= needed) return undefined;
    const rarest = counted.sort((a, b) => a.count - b.count).slice(0, needed).map((entry) => entry.word);
    const seen = new Set<number>();
    for (const word of rarest) {
      for (const index of this.byWord.get(word) ?? []) {
        if (seen.has(index)) continue;
        seen.add(index);
        const other = this.entries[index]!;
        if (sameStory(words, other.words)) return other.candidate;
      }
    }
    return undefined;
  }
}

/** Keys under which two items are the same story: canonical URL, and a specific enough title (reduced by titleKey). */
function storyKeys(item: RawItem, title: string): string[] {
  const keys: string[] = [];
  const url = canonicalUrl(item.link);
  if (url) keys.push(`url:${url}`);
  if (title.length >= 24 && title.split(' ').length >= 4) keys.push(`title:${title}`);
  return keys;
}

/**
 * Verdicts that mean "seen, do not offer again"; the others are reconsidered next run. A story a
 * filter held back counts as seen: it does not come back every run, and a filter loosened later
 * applies to new stories (`digest reset FEED` offers the current ones again).
 */
export function isFinalVerdict(verdict: Verdict): boolean {
  return verdict !== 'future' && verdict !== 'seen';
}
