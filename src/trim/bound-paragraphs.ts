/**
 * How much of an article the trim stage reads. Headline, lede and key quote come from the start
 * of a story, and news paragraphs run to a few hundred words; reading a bounded start keeps
 * hostile or broken input (one paragraph of megabytes, a hundred thousand paragraphs) from
 * costing seconds per block.
 */

/** Paragraphs read: the lede is found well before this, the key quote before 80. */
export const MAX_TRIM_PARAGRAPHS = 300;
/** Characters of one paragraph read: ten times a long news paragraph. */
export const MAX_PARAGRAPH_CHARS = 20_000;
/** Characters read in all. */
export const MAX_TRIM_CHARS = 300_000;

/** The start of the article within the bounds; paragraphs past a bound are cut at a space. */
export function boundParagraphs(paragraphs: string[]): string[] {
  const bounded: string[] = [];
  let total = 0;
  for (const paragraph of paragraphs) {
    if (bounded.length >= MAX_TRIM_PARAGRAPHS || total >= MAX_TRIM_CHARS) break;
    const room = Math.min(MAX_PARAGRAPH_CHARS, MAX_TRIM_CHARS - total);
    const kept = paragraph.length <= room ? paragraph : cutAtSpace(paragraph, room);
    bounded.push(kept);
    total += kept.length;
  }
  return bounded;
}

function cutAtSpace(text: string, maxChars: number): string {
  const space = text.lastIndexOf(' ', maxChars);
  let end = space > maxChars / 2 ? space : maxChars;
  if (/[\uD800-\uDBFF]/.test(text[end - 1] ?? '')) end -= 1;
  return text.slice(0, end);
}
