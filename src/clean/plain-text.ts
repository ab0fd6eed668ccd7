/**
 * Plain-text utilities without a DOM: whitespace, character references, escaping and word counts.
 * Light to load (no linkedom), so the parse stage and the config's OPML reader can use them.
 */
import { decodeHTML } from 'entities/decode';

/**
 * Characters that only exist to steer layout or tracking: zero-width spaces and joiners, the
 * byte-order mark, soft hyphens and bidi marks. They survive copy/paste from CMSes and break
 * word matching downstream. Control characters (NUL, escape, DEL…) are never text either.
 */
const INVISIBLE = /[\u00ad\u200b-\u200d\u2060\ufeff\u200e\u200f\u0000-\u0008\u000e-\u001f\u007f]/g;
/** Every kind of horizontal or vertical space, including no-break and typographic spaces. */
const ANY_SPACE = /[\s\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;

/**
 * Collapses all whitespace runs (including no-break and typographic spaces) to one space and
 * trims. Typography — curly quotes, dashes, ellipses — is left exactly as it is.
 */
export function normalizeText(text: string): string {
  return text.replace(INVISIBLE, '').replace(ANY_SPACE, ' ').trim();
}

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
const UNSPACED = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}]/u;
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

/** Cuts to `maxLength` characters at a word boundary and marks the cut with "…". */
export function capAtWord(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  const room = Math.max(1, maxLength - 1);
  let cut = text.slice(0, room + 1).lastIndexOf(' ');
  if (cut <= 0) cut = room;
  const kept = text.slice(0, cut).replace(/[\s,;:–—-]+$/u, '');
  return `${kept}…`;
}
