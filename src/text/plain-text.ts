/**
 * Plain-text utilities without a DOM: whitespace, character references, escaping and word counts.
 * Light to load (no linkedom), so the parse stage and the config's OPML reader can use them.
 */
import { decodeHTML } from 'entities/decode';

export { capAtWord, normalizeText } from './whitespace.js';

/**
 * Decodes character references in plain text ("AT&amp;T", "&#8217;") and leaves everything
 * else, including line breaks and anything that looks like a tag, as it is.
 */
export function decodeEntities(text: string): string {
  if (!ENTITY.test(text)) return text;
  return decodeHTML(text);
}

export const ENTITY = /&(?:#\d{1,7}|#x[\da-f]{1,6}|[a-z][a-z\d]{1,31});/i;

/** Escapes text for an HTML text node or a double-quoted attribute. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** Han ideographs and Japanese kana: scripts written without spaces between words. */
export const UNSPACED = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}]/u;
const UNSPACED_ALL = new RegExp(UNSPACED.source, 'gu');
/** Characters of Chinese or Japanese counted as one word: roughly the length of a word there. */
const CHARACTERS_PER_WORD = 2;

/**
 * Words as the selectors count them: runs of non-space characters, and in Chinese and Japanese
 * text, which has no spaces between words, one word per two characters (so a word budget cuts
 * such a lede to a similar length, and a paragraph of it is not mistaken for a short label).
 */
export function countWords(text: string): number {
  const trimmed = text.trim();
  if (trimmed === '') return 0;
  if (!UNSPACED.test(trimmed)) return trimmed.split(/\s+/).length;
  const characters = trimmed.match(UNSPACED_ALL)?.length ?? 0;
  const spaced = trimmed
    .replace(UNSPACED_ALL, ' ')
    .split(/\s+/)
    .filter((token) => /[\p{L}\p{N}]/u.test(token)).length;
  return Math.ceil(characters / CHARACTERS_PER_WORD) + spaced;
}

/**
 * The longest start of `text` with at most `maxWords` words (as countWords counts them), ending
 * at a word boundary: a space, or between two characters of Chinese or Japanese.
 */
export function leadingWords(text: string, maxWords: number): string {
  const trimmed = text.trim();
  if (countWords(trimmed) <= maxWords) return trimmed;
  if (!UNSPACED.test(trimmed)) return trimmed.split(/\s+/).slice(0, Math.max(0, maxWords)).join(' ');
  // Code points, so a cut never splits a surrogate pair; the count only grows with the prefix.
  const characters = Array.from(trimmed);
  let low = 0;
  let high = characters.length;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (countWords(characters.slice(0, middle).join('')) <= maxWords) low = middle;
    else high = middle - 1;
  }
  // Inside a spaced word ("iPhone"), back off to where it starts.
  const inWord = (index: number): boolean => {
    const before = characters[index - 1] ?? ' ';
    const after = characters[index] ?? ' ';
    return !/\s/.test(before) && !/\s/.test(after) && !UNSPACED.test(before) && !UNSPACED.test(after);
  };
  let cut = low;
  while (cut > 0 && inWord(cut)) cut -= 1;
  return characters.slice(0, cut).join('').trim();
}
