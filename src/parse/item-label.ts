import type { RawItem } from '../types.js';

/** How a warning names an item: its title (shortened), else its link or id, else its place in the feed. */
export function itemLabel(item: RawItem | undefined, index: number): string {
  const title = item?.title;
  if (title) return `"${title.length > 80 ? `${title.slice(0, 77)}…` : title}"`;
  return item?.link ?? item?.guid ?? `item ${index + 1}`;
}
