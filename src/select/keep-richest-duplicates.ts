import { countWords } from '../text/plain-text.js';
import type { RawItem } from '../types.js';
import { itemId } from './item-id.js';

/** Words of text an item carries (tags ignored). */
function contentWords(item: RawItem): number {
  const text = [item.contentHtml, item.contentText, item.summary].filter(Boolean).join(' ');
  return text ? countWords(text.replace(/<[^>]*>/g, ' ')) : 0;
}

/**
 * One item per id within a feed. Feeds sometimes list an entry twice under one id — a stub and
 * the full post, or an old and an updated copy; the one with content is kept (the most words,
 * then a title, then the later update), in the place of the first. Items with distinct ids are
 * untouched and keep their order.
 */
export function keepRichestDuplicates(items: readonly RawItem[], feedUrl: string): RawItem[] {
  const byId = new Map<string, number>();
  const kept: RawItem[] = [];
  for (const item of items) {
    const id = itemId(item, feedUrl);
    const at = byId.get(id);
    if (at === undefined) {
      byId.set(id, kept.push(item) - 1);
      continue;
    }
    if (richer(item, kept[at]!)) kept[at] = item;
  }
  return kept;
}

function richer(a: RawItem, b: RawItem): boolean {
  const words = contentWords(a) - contentWords(b);
  if (words !== 0) return words > 0;
  if (Boolean(a.title) !== Boolean(b.title)) return Boolean(a.title);
  return (a.updated ?? a.published ?? new Date(0)).getTime() > (b.updated ?? b.published ?? new Date(0)).getTime();
}
