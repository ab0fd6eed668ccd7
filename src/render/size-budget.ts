import type { Digest, DigestItem, LeftOutStory } from '../types.js';
import { words } from './helpers.js';

/**
 * Keeping the email under its size budget. Gmail clips messages whose HTML is larger than about
 * 102 KB behind a "[Message clipped] View entire message" link, which hides the footer and its
 * unsubscribe link. When a digest renders larger than the budget (config `maxHtmlKilobytes`,
 * default 100 KB), it is made smaller in steps, each tried only when the one before was not
 * enough:
 *
 *  1. shorter ledes: every lede is cut to half the configured word budget;
 *  2. no images: story images are left out (the logo stays);
 *  3. fewer stories: stories are left out, longest sections first, from the end of each section,
 *     and the email says how many more there are, linking to the web version.
 *
 * Each step is a pure function of the digest, so each is tested on its own; `fitToBudget` runs
 * them against a real render. Sizes are bytes of UTF-8 HTML; a KB here is 1,000 bytes.
 */

export type BudgetStep = 'shorter-ledes' | 'no-images' | 'fewer-items';

export interface SizeReport {
  /** HTML bytes of the email as rendered (before per-recipient values are filled in). */
  bytes: number;
  /** The budget in bytes, or null when there is none. */
  limit: number | null;
  /** HTML bytes before any step was applied. */
  originalBytes: number;
  /** The steps applied, in order. */
  steps: BudgetStep[];
  /** With 'shorter-ledes': the word budget ledes were cut to. */
  ledeWords?: number;
  /** With 'no-images': how many story images were left out. */
  imagesDropped: number;
  /** With 'fewer-items': the stories left out (shown as "N more"). */
  droppedItems: { id: string; headline: string }[];
  /** False when even the smallest version is over the budget. */
  fits: boolean;
}

/** Step 1: every lede cut to at most `maxWords` words. */
export function shortenLedes(digest: Digest, maxWords: number): Digest {
  return mapItems(digest, (item) => ({ ...item, lede: words(item.lede, maxWords) }));
}

/** Step 2: no story images. */
export function dropImages(digest: Digest): Digest {
  return mapItems(digest, (item) => (item.image ? { ...item, image: null } : item));
}

/**
 * The order stories are left out in: always the last story of the section with the most stories
 * left (the later section on a tie), so every section keeps its top stories the longest. The lead
 * story is never left out.
 */
export function dropOrder(digest: Digest): DigestItem[] {
  const remaining = digest.sections.map((section) => [...section.items]);
  const order: DigestItem[] = [];
  for (;;) {
    let pick = -1;
    remaining.forEach((items, index) => {
      if (items.length > 0 && (pick === -1 || items.length >= remaining[pick]!.length)) pick = index;
    });
    if (pick === -1) return order;
    order.push(remaining[pick]!.pop()!);
  }
}

/**
 * Step 3: keeps `count` stories, leaving out the others in `dropOrder`. They join the digest's
 * `leftOut` as carried over: the run does not record them, so the next digest offers them again.
 */
export function keepItems(digest: Digest, count: number): { digest: Digest; dropped: DigestItem[] } {
  const dropped = dropOrder(digest).slice(0, Math.max(0, digest.items.length - count));
  const out = new Set(dropped);
  const sections = digest.sections.map((section) => ({ ...section, items: section.items.filter((item) => !out.has(item)) })).filter((section) => section.items.length > 0);
  const items = [...(digest.lead ? [digest.lead] : []), ...sections.flatMap((section) => section.items)];
  const carried: LeftOutStory[] = digest.items
    .filter((item) => out.has(item))
    .map((item) => ({
      id: item.id,
      feed: item.feedName,
      feedUrl: item.feedUrl,
      feedSite: null,
      url: item.url,
      headline: item.headline,
      published: item.published,
      reason: 'size-budget',
      carriedOver: true,
      listed: false,
    }));
  return { digest: { ...digest, sections, items, leftOut: [...digest.leftOut, ...carried] }, dropped };
}

function mapItems(digest: Digest, change: (item: DigestItem) => DigestItem): Digest {
  const changed = new Map(digest.items.map((item) => [item, change(item)]));
  const sections = digest.sections.map((section) => ({ ...section, items: section.items.map((item) => changed.get(item) ?? change(item)) }));
  const lead = digest.lead ? (changed.get(digest.lead) ?? change(digest.lead)) : null;
  return { ...digest, lead, sections, items: digest.items.map((item) => changed.get(item)!) };
}

export interface BudgetOptions {
  /** Budget in bytes; null or 0 for none. */
  limit: number | null;
  /** Word budget of shortened ledes. */
  shortLedeWords: number;
}

/**
 * Renders the digest, and again with each step while it is over the budget. `render` gets the
 * digest to render and how many stories were left out (for the "N more" line).
 */
export async function fitToBudget<R extends { html: string }>(
  digest: Digest,
  options: BudgetOptions,
  render: (digest: Digest, omitted: number) => Promise<R>,
): Promise<{ rendered: R; digest: Digest; report: SizeReport }> {
  const size = (r: R) => Buffer.byteLength(r.html);
  const limit = options.limit || null;
  let rendered = await render(digest, 0);
  const report: SizeReport = { bytes: size(rendered), limit, originalBytes: size(rendered), steps: [], imagesDropped: 0, droppedItems: [], fits: true };
  if (limit === null || report.bytes <= limit) return { rendered, digest, report };

  let current = digest;
  const finish = (r: R, d: Digest, fits: boolean) => {
    report.bytes = size(r);
    report.fits = fits;
    return { rendered: r, digest: d, report };
  };

  if (digest.items.some((item) => words(item.lede, options.shortLedeWords) !== item.lede)) {
    current = shortenLedes(current, options.shortLedeWords);
    report.steps.push('shorter-ledes');
    report.ledeWords = options.shortLedeWords;
    rendered = await render(current, 0);
    if (size(rendered) <= limit) return finish(rendered, current, true);
  }

  const images = current.items.filter((item) => item.image).length;
  if (images > 0) {
    current = dropImages(current);
    report.steps.push('no-images');
    report.imagesDropped = images;
    rendered = await render(current, 0);
    if (size(rendered) <= limit) return finish(rendered, current, true);
  }

  if (current.items.length === 0) return finish(rendered, current, false);
  report.steps.push('fewer-items');
  // The largest number of stories that fits. Size grows about linearly with the number of stories,
  // so probing where the line through the sizes known so far crosses the budget finds it in two or
  // three renders (bisection would take five for thirty stories); every probe narrows the range.
  const probes = new Map<number, { rendered: R; digest: Digest; dropped: DigestItem[]; bytes: number }>();
  const probe = async (count: number) => {
    const kept = keepItems(current, count);
    const attempt = await render(kept.digest, kept.dropped.length);
    const result = { rendered: attempt, ...kept, bytes: size(attempt) };
    probes.set(count, result);
    return result;
  };
  let fits = -1; // the most stories known to fit (-1: none known)
  let tooMany = current.items.length; // the fewest known not to fit
  const sizeOf = (count: number) => (count === current.items.length ? size(rendered) : probes.get(count)!.bytes);
  while (tooMany - fits > 1) {
    const estimate =
      fits < 0
        ? Math.floor((tooMany * limit) / sizeOf(tooMany))
        : fits + Math.floor(((limit - sizeOf(fits)) * (tooMany - fits)) / Math.max(1, sizeOf(tooMany) - sizeOf(fits)));
    const count = Math.min(tooMany - 1, Math.max(fits + 1, estimate));
    if ((await probe(count)).bytes <= limit) fits = count;
    else tooMany = count;
  }
  if (fits < 0) {
    const none = probes.get(0)!;
    report.droppedItems = none.dropped.map(summary);
    return finish(none.rendered, none.digest, false);
  }
  const best = probes.get(fits)!;
  report.droppedItems = best.dropped.map(summary);
  return finish(best.rendered, best.digest, true);
}

function summary(item: DigestItem): { id: string; headline: string } {
  return { id: item.id, headline: item.headline };
}

const kb = (bytes: number) => `${Math.round(bytes / 100) / 10} KB`;

/** One sentence for the run summary: what was done to fit the budget, or that it did not fit. */
export function describeSizeReport(report: SizeReport): string | undefined {
  if (report.limit === null || report.steps.length === 0) {
    return report.limit !== null && report.bytes > report.limit ? `the email is ${kb(report.bytes)}, over the ${kb(report.limit)} budget` : undefined;
  }
  const done = report.steps.map((step) => {
    if (step === 'shorter-ledes') return `ledes cut to ${report.ledeWords} words`;
    if (step === 'no-images') return `${report.imagesDropped} image${report.imagesDropped === 1 ? '' : 's'} left out`;
    const n = report.droppedItems.length;
    return `${n} ${n === 1 ? 'story' : 'stories'} left out (shown as "${n} more"; ${n === 1 ? 'it goes' : 'they go'} in the next digest)`;
  });
  const outcome = report.fits ? `now ${kb(report.bytes)}` : `still ${kb(report.bytes)}: Gmail may clip it`;
  return `the email was ${kb(report.originalBytes)}, over the ${kb(report.limit)} size budget (maxHtmlKilobytes): ${done.join(', ')}; ${outcome}`;
}
