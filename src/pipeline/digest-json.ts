import type { Digest, LeftOutReason, LeftOutStory } from '../types.js';

/**
 * The digest as `--json` gives it (`digest preview --json`, `digest run --json`, dry runs too):
 * `stories`, one object per story in the email, in the email's order, and `left_out`, the new
 * stories that are not in it and what becomes of them. The shapes are a published interface
 * (README "Commands"): add fields, never rename or drop one.
 */
export interface StoryJson {
  feed: string;
  /** The story's section as configured (`feeds[].section`, default: the feed's name). */
  section: string;
  url: string | null;
  headline: string;
  lede: string;
  quote: { text: string; speaker: string } | null;
  image: { url: string; width: number | null; height: number | null } | null;
  /** ISO 8601, or null when the feed gives no date. */
  published: string | null;
  /** The lead story (`lead.by`). */
  lead: boolean;
}

export interface LeftOutJson {
  feed: string;
  url: string | null;
  headline: string;
  reason: LeftOutReason;
  /** Offered again by the next digest. */
  carried_over: boolean;
  /** Named in this email under "More from <feed>". */
  listed: boolean;
}

function imageJson(image: unknown): StoryJson['image'] {
  if (!image) return null;
  if (typeof image === 'string') return { url: image, width: null, height: null };
  const { url, width, height } = image as { url: string; width?: number | null; height?: number | null };
  return { url, width: width ?? null, height: height ?? null };
}

/** `stories`: the email's stories (a rendered digest's `digest`), in order. */
export function storiesJson(digest: Pick<Digest, 'items' | 'lead'>): StoryJson[] {
  return digest.items.map((item) => ({
    feed: item.feedName,
    section: item.section,
    url: item.url,
    headline: item.headline,
    lede: item.lede,
    quote: item.quote ? { text: item.quote.text, speaker: item.quote.speaker } : null,
    image: imageJson(item.image),
    published: item.published?.toISOString() ?? null,
    lead: item === digest.lead,
  }));
}

/** `left_out`: the new stories not in the email. */
export function leftOutJson(stories: readonly LeftOutStory[]): LeftOutJson[] {
  return stories.map((story) => ({
    feed: story.feed,
    url: story.url,
    headline: story.headline,
    reason: story.reason,
    carried_over: story.carriedOver,
    listed: story.listed,
  }));
}

/** One line for a run summary: how many stories were listed, carried over and held back, and why. */
export function describeLeftOut(stories: readonly LeftOutStory[]): string[] {
  const count = (filter: (s: LeftOutStory) => boolean) => stories.filter(filter).length;
  const lines: string[] = [];
  const listed = count((s) => s.listed);
  if (listed) {
    const why = (['over-feed-limit', 'over-total-limit', 'first-run-backlog'] as const)
      .map((reason) => [reason, count((s) => s.listed && s.reason === reason)] as const)
      .filter(([, n]) => n > 0)
      .map(([reason, n]) => `${n} ${REASON_TEXT[reason]}`);
    const feeds = new Set(stories.filter((s) => s.listed).map((s) => s.feedUrl)).size;
    lines.push(`${plural(listed, 'more story', 'more stories')} listed under "More from …" (${plural(feeds, 'feed', 'feeds')}; ${why.join(', ')}); not offered again.`);
  }
  const bySize = count((s) => s.reason === 'size-budget' && s.carriedOver);
  if (bySize) lines.push(`${plural(bySize, 'story', 'stories')} left out to fit the size budget: carried over to the next digest.`);
  const oversized = count((s) => s.reason === 'size-budget' && !s.carriedOver);
  if (oversized) lines.push(`${plural(oversized, 'story', 'stories')} too big for any email on ${oversized === 1 ? 'its' : 'their'} own: left out for good (named in the warnings).`);
  const future = count((s) => s.reason === 'future');
  if (future) lines.push(`${plural(future, 'story', 'stories')} dated in the future: offered again once their time comes.`);
  const old = count((s) => s.reason === 'too-old');
  const filtered = count((s) => s.reason === 'filtered');
  if (filtered) lines.push(`${plural(filtered, 'story', 'stories')} held back by the feeds' filters (include, exclude, minWords).`);
  if (old) lines.push(`${plural(old, 'story', 'stories')} older than the age limit (limits.maxAgeDays, or a feed's own): held back.`);
  return lines;
}

const REASON_TEXT: Record<LeftOutReason, string> = {
  'over-feed-limit': 'over a feed’s limit',
  'over-total-limit': 'over limits.total',
  'first-run-backlog': 'first-run backlog',
  'size-budget': 'over the size budget',
  future: 'dated in the future',
  'too-old': 'too old',
  filtered: 'filtered',
};

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
