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
 *     and the email says how many more there are, linking to the web version. They go in the next
 *     digest. A story over the budget on its own (an email with nothing else in it) could never be
 *     sent: it is left out for good and named, so it cannot hold back the others day after day.
 *     At least one story is kept when one fits alone; when even an email without stories is over
 *     the budget (the theme is too big), every story is kept and the report says so.
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
  /** With 'fewer-items': the stories left out (shown as "N more"); they go in the next digest. */
  droppedItems: { id: string; headline: string }[];
  /**
   * Stories over the budget on their own, in an email with nothing else in it: no digest could
   * ever carry them, so they are left out for good (and not counted in "N more").
   */
  oversizedItems: OversizedItem[];
  /** False when even the smallest version is over the budget. */
  fits: boolean;
  /** Set when even an email without stories is over the budget (the theme alone is too big). */
  emptyBytes?: number;
}

export interface OversizedItem {
  id: string;
  headline: string;
  feedName: string;
  url: string | null;
  /** HTML bytes of an email holding only this story. */
  bytes: number;
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
  return { digest: withoutItems(digest, new Set(dropped)), dropped };
}

/** The digest with `item` as its only story (in its section, or as the lead), to measure it alone. */
function onlyItem(digest: Digest, item: DigestItem): Digest {
  if (digest.lead === item) return { ...digest, sections: [], items: [item], leftOut: [] };
  const sections = digest.sections.filter((section) => section.items.includes(item)).map((section) => ({ ...section, items: [item] }));
  return { ...digest, lead: null, sections, items: [item], leftOut: [] };
}

/** The digest without its lead story, left out for good (an email holding only it is over the budget). */
function withoutLead(digest: Digest): Digest {
  const lead = digest.lead!;
  return { ...digest, lead: null, items: digest.items.filter((item) => item !== lead), leftOut: [...digest.leftOut, leftOutBySize(lead, false)] };
}

/**
 * The digest without the stories in `out` (and without sections left empty; the lead stays). They
 * join `leftOut` for the size budget: carried over to the next digest, or (an oversized story,
 * `carriedOver` false) left out for good.
 */
function withoutItems(digest: Digest, out: ReadonlySet<DigestItem>, carriedOver = true): Digest {
  const sections = digest.sections.map((section) => ({ ...section, items: section.items.filter((item) => !out.has(item)) })).filter((section) => section.items.length > 0);
  const items = [...(digest.lead ? [digest.lead] : []), ...sections.flatMap((section) => section.items)];
  const left = digest.items.filter((item) => out.has(item)).map((item) => leftOutBySize(item, carriedOver));
  return { ...digest, sections, items, leftOut: [...digest.leftOut, ...left] };
}

/** A story the size budget took out of the email: carried over to the next digest, or left out for good. */
function leftOutBySize(item: DigestItem, carriedOver: boolean): LeftOutStory {
  return { id: item.id, feed: item.feedName, feedUrl: item.feedUrl, feedSite: null, url: item.url, headline: item.headline, published: item.published, reason: 'size-budget', carriedOver, listed: false, section: item.section };
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
  const report: SizeReport = { bytes: size(rendered), limit, originalBytes: size(rendered), steps: [], imagesDropped: 0, droppedItems: [], oversizedItems: [], fits: true };
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
  // The largest number of stories that fits. A story too big for any email on its own is taken
  // out first (it would otherwise hold the place of everything behind it, every run), and the
  // search starts again without it.
  for (;;) {
    const found = await mostThatFit(current, limit, rendered, render, size);
    if (found.fits < 0) {
      // Not even the lead alone fits. When the lead on its own is what is too big, it is left out
      // for good like any oversized story, and the search starts again without it.
      const lead = current.lead;
      if (lead) {
        const alone = await render(onlyItem(current, lead), 0);
        const empty = await render({ ...current, lead: null, sections: [], items: [], leftOut: [] }, 0);
        if (size(alone) > limit && size(empty) <= limit) {
          report.oversizedItems.push({ id: lead.id, headline: lead.headline, feedName: lead.feedName, url: lead.url, bytes: size(alone) });
          current = withoutLead(current);
          rendered = await render(current, 0);
          if (current.items.length === 0 || size(rendered) <= limit) return finish(rendered, current, size(rendered) <= limit);
          continue;
        }
        if (size(alone) <= limit) {
          // The lead fits on its own but not beside the "N more" line: as with one story below,
          // send it a little over the budget rather than every story far over it.
          if (!report.steps.includes('fewer-items')) report.steps.push('fewer-items');
          report.droppedItems = found.best.dropped.map(summary);
          return finish(found.best.rendered, found.best.digest, false);
        }
        report.emptyBytes = size(empty);
        return finish(rendered, current, false);
      }
      // Even an email without stories is over the budget: the theme alone is too big. Leaving the
      // stories out would send an empty email and carry them over forever; send them, and say so.
      report.emptyBytes = found.best.bytes;
      return finish(rendered, current, false);
    }
    // The next story to give up, in keepOrder (section stories only: the lead, counted in `fits`,
    // is never given up).
    const keptStories = current.lead ? Math.max(0, found.fits - 1) : found.fits;
    const next = found.fits < current.items.length ? found.keepOrder[keptStories] : undefined;
    // Only a story whose own share of the email is large can be over the budget on its own.
    if (next && (found.fits === 0 || found.lastStep > limit / 4)) {
      const alone = await render(onlyItem(current, next), 0);
      if (size(alone) > limit) {
        report.oversizedItems.push({ id: next.id, headline: next.headline, feedName: next.feedName, url: next.url, bytes: size(alone) });
        current = withoutItems(current, new Set([next]), false);
        rendered = await render(current, 0);
        if (current.items.length === 0 || size(rendered) <= limit) return finish(rendered, current, size(rendered) <= limit);
        continue;
      }
    }
    if (!next) return finish(rendered, current, true);
    if (!report.steps.includes('fewer-items')) report.steps.push('fewer-items');
    // One story fits on its own but not beside the "N more" line: send it anyway, a little over
    // the budget, rather than an email of nothing but "N more" (and the same again every run).
    const best = found.fits === 0 ? found.one : found.best;
    report.droppedItems = best.dropped.map(summary);
    return finish(best.rendered, best.digest, found.fits > 0);
  }
}

/**
 * The largest number of stories of `digest` that fits (-1 when not even none does), keeping
 * stories in the order `dropOrder` gives up on them last. Size grows about linearly with the
 * number of stories, so probing where the line through the sizes known so far crosses the budget
 * finds it in two or three renders (bisection would take five for thirty stories); every probe
 * narrows the range. `lastStep` is what the first story that did not fit added to the email.
 */
async function mostThatFit<R extends { html: string }>(
  digest: Digest,
  limit: number,
  full: R,
  render: (digest: Digest, omitted: number) => Promise<R>,
  size: (r: R) => number,
): Promise<{ fits: number; keepOrder: DigestItem[]; lastStep: number; best: Probe<R>; one: Probe<R> }> {
  const probes = new Map<number, Probe<R>>();
  probes.set(digest.items.length, { rendered: full, digest, dropped: [], bytes: size(full) });
  const probe = async (count: number) => {
    const kept = keepItems(digest, count);
    const attempt = await render(kept.digest, kept.dropped.length);
    const result = { rendered: attempt, ...kept, bytes: size(attempt) };
    probes.set(count, result);
    return result;
  };
  let fits = size(full) <= limit ? digest.items.length : -1; // the most stories known to fit (-1: none known)
  let tooMany = digest.items.length; // the fewest known not to fit
  const sizeOf = (count: number) => probes.get(count)!.bytes;
  while (tooMany - fits > 1) {
    const estimate =
      fits < 0
        ? Math.floor((tooMany * limit) / sizeOf(tooMany))
        : fits + Math.floor(((limit - sizeOf(fits)) * (tooMany - fits)) / Math.max(1, sizeOf(tooMany) - sizeOf(fits)));
    const count = Math.min(tooMany - 1, Math.max(fits + 1, estimate));
    if ((await probe(count)).bytes <= limit) fits = count;
    else tooMany = count;
  }
  const keepOrder = dropOrder(digest).reverse();
  const best = probes.get(Math.max(0, fits))!;
  const lastStep = fits >= 0 && fits < digest.items.length ? sizeOf(fits + 1) - sizeOf(fits) : 0;
  // With none fitting, the one-story version was probed (the search ends between 0 and 1).
  return { fits, keepOrder, lastStep, best, one: probes.get(1) ?? best };
}

interface Probe<R> {
  rendered: R;
  digest: Digest;
  dropped: DigestItem[];
  bytes: number;
}

function summary(item: DigestItem): { id: string; headline: string } {
  return { id: item.id, headline: item.headline };
}

const kb = (bytes: number) => `${Math.round(bytes / 100) / 10} KB`;

/** A warning naming a story left out for good: feed, headline, link (shortened), and why. */
export function describeLeftOutStory(story: { feedName: string; headline: string; url: string | null }, why: string): string {
  const url = story.url;
  const link = url ? ` (${url.length > 80 ? `${url.slice(0, 77)}…, ${url.length.toLocaleString('en')} characters` : url})` : '';
  return `${story.feedName}: "${story.headline}"${link} is left out: ${why}; it will not be offered again`;
}

/** One warning per story too big for any email: what it is, where from, and that it is gone for good. */
export function describeOversizedItems(report: SizeReport): string[] {
  return report.oversizedItems.map((item) =>
    describeLeftOutStory(item, `an email with only this story is ${kb(item.bytes)}, over the ${kb(report.limit ?? 0)} size budget (maxHtmlKilobytes), so it can never be sent`),
  );
}

/** One sentence for the run summary: what was done to fit the budget, or that it did not fit. */
export function describeSizeReport(report: SizeReport): string | undefined {
  if (report.limit === null) return undefined;
  const done = report.steps.map((step) => {
    if (step === 'shorter-ledes') return `ledes cut to ${report.ledeWords} words`;
    if (step === 'no-images') return `${report.imagesDropped} image${report.imagesDropped === 1 ? '' : 's'} left out`;
    const n = report.droppedItems.length;
    return `${n} ${n === 1 ? 'story' : 'stories'} left out (shown as "${n} more"; ${n === 1 ? 'it goes' : 'they go'} in the next digest)`;
  });
  // Stories too big for any email are named one by one (describeOversizedItems).
  if (done.length === 0) return report.bytes > report.limit ? `the email is ${kb(report.bytes)}, over the ${kb(report.limit)} size budget (maxHtmlKilobytes)` : undefined;
  const outcome = report.fits
    ? `now ${kb(report.bytes)}`
    : report.emptyBytes !== undefined
      ? `still ${kb(report.bytes)}: even without stories the email would be ${kb(report.emptyBytes)}, so the theme alone is over the budget; the stories were kept and Gmail may clip it`
      : `still ${kb(report.bytes)}: Gmail may clip it`;
  return `the email was ${kb(report.originalBytes)}, over the ${kb(report.limit)} size budget (maxHtmlKilobytes): ${done.join(', ')}; ${outcome}`;
}
