import { decodeBasicEntities } from '../text/basic-entities.js';
import { normalizeText } from '../text/whitespace.js';
import { headlineFromText, shapeHeadline } from '../trim/shape-headline.js';
import type { LeftOutReason, LeftOutStory, RawItem } from '../types.js';
import type { Decision, Verdict } from './select-items.js';

/**
 * What becomes of a new story that is not one of the digest's stories. Nothing is left out in
 * silence:
 *
 *  - over a limit (`limits.perFeed`, a feed's `limit`, `limits.total`, `limits.firstRun`): named
 *    in the email under "More from <feed>: N stories" (the newest few linked), and recorded with
 *    the run like the stories it carries, so they are not offered again once the run reached
 *    someone. A busy feed's overflow would otherwise pile up behind its newer stories forever;
 *  - left out by the size budget (`maxHtmlKilobytes`): carried to the next digest (not recorded),
 *    and the email says "N more stories … will be in the next one";
 *  - dated in the future: offered again on every run until its time comes;
 *  - older than `limits.maxAgeDays`, or held back by the feed's filters: held back for good
 *    (`--explain` lists them).
 *
 * Items seen before and duplicates of a story in this digest are not "left out": the reader got
 * them, or gets them here.
 */
const POLICY: Partial<Record<Verdict, { reason: LeftOutReason; carriedOver: boolean; listed: boolean }>> = {
  'over-feed-limit': { reason: 'over-feed-limit', carriedOver: false, listed: true },
  'over-total-limit': { reason: 'over-total-limit', carriedOver: false, listed: true },
  'first-run-backlog': { reason: 'first-run-backlog', carriedOver: false, listed: true },
  future: { reason: 'future', carriedOver: true, listed: false },
  'too-old': { reason: 'too-old', carriedOver: false, listed: false },
  filtered: { reason: 'filtered', carriedOver: false, listed: false },
};

export interface LeftOutOptions {
  /** A feed's website by its feed URL, when the feed names one. */
  feedSite?: (feedUrl: string) => string | undefined;
  /** The section of a feed's stories, by its feed URL. */
  sectionOf?: (feedUrl: string) => string | undefined;
  /** The feed item a decision is about (for its enclosure, and the text of an item without a title). */
  itemOf?: (id: string) => RawItem | undefined;
  headlineLength: number;
}

/**
 * The headline a left-out story is named by, as the email would head it: its title (plain text
 * since the parse stage, so not decoded again) without the site's name, else the first sentence of
 * its text (a Mastodon post), never "(untitled)". Light on purpose (no DOM, no decoder library, so
 * the text's common references only): every run loads this module, even one where every feed
 * answers 304.
 */
function headlineOf(decision: Decision, item: RawItem | undefined, maxLength: number): string {
  const options = { maxLength, siteName: decision.feed };
  const title = normalizeText(item ? (item.title ?? '') : decision.title);
  if (title) return shapeHeadline(title, options);
  const html = item?.summary ?? item?.contentHtml ?? '';
  const text = item?.contentText ?? decodeBasicEntities(html.replace(/<(br|\/p|\/li|\/h\d|\/div)\b[^>]*>/gi, '\n').replace(/<[^>]*>/g, ' '));
  return headlineFromText(text.split('\n'), options) || shapeHeadline(decision.title, options);
}

/** The left-out stories among the selection's decisions, each feed's newest first. */
export function leftOutStories(decisions: readonly Decision[], options: LeftOutOptions): LeftOutStory[] {
  const stories: LeftOutStory[] = [];
  for (const decision of decisions) {
    const policy = POLICY[decision.verdict];
    if (!policy) continue;
    const item = options.itemOf?.(decision.id);
    const section = options.sectionOf?.(decision.feedUrl);
    stories.push({
      id: decision.id,
      feed: decision.feed,
      feedUrl: decision.feedUrl,
      feedSite: options.feedSite?.(decision.feedUrl) ?? null,
      // A podcast episode without a link is its audio, as in the email's own stories.
      url: decision.link ?? item?.enclosure?.url ?? null,
      headline: headlineOf(decision, item, options.headlineLength),
      published: decision.published,
      ...policy,
      ...(section === undefined ? {} : { section }),
    });
  }
  // Decisions come feed by feed; within a feed, newest first (undated last, in feed order).
  const feedOrder = new Map<string, number>();
  for (const story of stories) if (!feedOrder.has(story.feedUrl)) feedOrder.set(story.feedUrl, feedOrder.size);
  return stories
    .map((story, index) => ({ story, index }))
    .sort((a, b) =>
      feedOrder.get(a.story.feedUrl)! - feedOrder.get(b.story.feedUrl)! ||
      (b.story.published?.getTime() ?? Number.NEGATIVE_INFINITY) - (a.story.published?.getTime() ?? Number.NEGATIVE_INFINITY) ||
      a.index - b.index,
    )
    .map(({ story }) => story);
}
