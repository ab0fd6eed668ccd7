import { createHash } from 'node:crypto';

/**
 * The fixed split of the public corpora into a development half and a test half.
 *
 * Rule: a page belongs to the development half when the first hexadecimal digit of the SHA-256
 * of its id is 0–7, and to the test half when it is 8–f. The id is the folder name
 * (`scrapinghub/<id>`, `readability/<name>`); an annotated article of `quotes/dev.jsonl` has
 * its ScrapingHub page's id, so it falls in the same half as its page. The rule needs no list,
 * never moves a page between halves, and places pages added later without touching the others.
 * On the current corpora it gives 53 development / 68 test ScrapingHub pages, 69 / 61
 * Readability pages and 48 / 61 annotated quote articles (27 / 32 with a key pick).
 *
 * Rules and weights are tuned on the development half only; the test half is for reporting.
 * A figure that is good on the development half and not on the test half is a rule fitted to
 * the pages it was tuned on.
 */
export type Half = 'development' | 'test';

export const halves: readonly Half[] = ['development', 'test'];

export function corpusHalf(id: string): Half {
  const digit = Number.parseInt(createHash('sha256').update(id).digest('hex').charAt(0), 16);
  return digit < 8 ? 'development' : 'test';
}

/** The items of one half (all of them when `half` is undefined). */
export function inHalf<T>(items: readonly T[], idOf: (item: T) => string, half: Half | undefined): T[] {
  return half === undefined ? [...items] : items.filter((item) => corpusHalf(idOf(item)) === half);
}
