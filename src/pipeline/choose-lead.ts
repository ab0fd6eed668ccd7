import type { LeadCriterion } from '../config/lead-rule.js';
import type { DigestItem } from '../types.js';

/**
 * The lead story: the one the email opens with, large, and the subject names. Chosen by the
 * config's `lead.by`, a list of criteria tried in order, each breaking the ties of the one before:
 *
 *  - `coverage`: carried by more feeds (the story and its "also in" feeds): what several
 *    newsrooms ran is more likely the day's news than what one did;
 *  - `priority`: from a feed with a higher `priority` in the config (default 0);
 *  - `image`: has an image;
 *  - `recency`: published more recently (undated stories last).
 *
 * The default is `[coverage, priority, recency]`. Stories still tied go to the feed listed first
 * in the config, then to the feed's own order. An empty list means no lead story.
 */
export { DEFAULT_LEAD_RULE, LEAD_CRITERIA, type LeadCriterion } from '../config/lead-rule.js';

export interface LeadOptions {
  by: readonly LeadCriterion[];
  /** A feed's priority by its URL (config `feeds[].priority`); absent means 0. */
  priority?: (feedUrl: string) => number;
}

/** Higher is better, for every criterion. */
function score(item: DigestItem, criterion: LeadCriterion, options: LeadOptions): number {
  switch (criterion) {
    case 'coverage':
      return 1 + new Set(item.alsoIn).size;
    case 'priority':
      return options.priority?.(item.feedUrl) ?? 0;
    case 'image':
      return item.image ? 1 : 0;
    case 'recency':
      return item.published?.getTime() ?? Number.NEGATIVE_INFINITY;
  }
}

/** The lead among `items` (given in config feed order), or null when there are none or the rule is empty. */
export function chooseLead(items: readonly DigestItem[], options: LeadOptions): DigestItem | null {
  if (options.by.length === 0) return null;
  let best: DigestItem | null = null;
  for (const item of items) {
    if (!best) {
      best = item;
      continue;
    }
    for (const criterion of options.by) {
      const a = score(item, criterion, options);
      const b = score(best, criterion, options);
      if (a === b) continue;
      if (a > b) best = item;
      break;
    }
  }
  return best;
}
