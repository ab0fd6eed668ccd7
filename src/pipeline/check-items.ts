import { itemLabel } from '../parse/item-label.js';
import { keepRichestDuplicates } from '../select/keep-richest-duplicates.js';
import type { RawItem } from '../types.js';

/** Dated this far ahead, a date is a mistake (the year 3000), not a post scheduled for later. */
const IMPLAUSIBLE_FUTURE_MS = 2 * 86_400_000;
/** Longest title read; a longer one is cut (and reported) before any stage works on it. */
const MAX_TITLE_CHARACTERS = 2_000;

/**
 * A feed's items as later stages can trust them: one per id (the copy with content), and a
 * warning for each repair. A date implausibly far in the future is dropped (the item counts as
 * undated instead of being held back for ever); a title of thousands of characters is cut.
 */
export function checkItems(feed: string, feedUrl: string, items: readonly RawItem[], now: Date, warnings: string[]): RawItem[] {
  return keepRichestDuplicates(items, feedUrl).map((item, index) => {
    let checked = item;
    if (item.title && item.title.length > MAX_TITLE_CHARACTERS) {
      warnings.push(`${feed}: ${itemLabel(item, index)}: its title is ${item.title.length.toLocaleString('en-GB')} characters long; shown cut to its first words`);
      checked = { ...checked, title: item.title.slice(0, MAX_TITLE_CHARACTERS) };
    }
    if (item.published && item.published.getTime() > now.getTime() + IMPLAUSIBLE_FUTURE_MS) {
      warnings.push(`${feed}: ${itemLabel(checked, index)}: its date (${item.published.toISOString().slice(0, 10)}) is in the future; shown without a date`);
      const { published: _dropped, ...rest } = checked;
      checked = rest;
    }
    return checked;
  });
}
