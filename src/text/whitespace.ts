/**
 * Whitespace and length for text that is already plain: no imports at all, so modules that load on
 * every run (the left-out list, headline shaping) use them without loading a decoder library.
 */

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

/** Cuts to `maxLength` characters at a word boundary and marks the cut with "…". */
export function capAtWord(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  const room = Math.max(1, maxLength - 1);
  let cut = text.slice(0, room + 1).lastIndexOf(' ');
  if (cut <= 0) cut = room;
  const kept = text.slice(0, cut).replace(/[\s,;:–—-]+$/u, '');
  return `${kept}…`;
}
