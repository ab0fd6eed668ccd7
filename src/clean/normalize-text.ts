import { parseHTML } from 'linkedom';
import { queryAll } from './query-all.js';

/**
 * Characters that only exist to steer layout or tracking: zero-width spaces and joiners, the
 * byte-order mark, soft hyphens and bidi marks. They survive copy/paste from CMSes and break
 * word matching downstream.
 */
const INVISIBLE = /[\u00ad\u200b-\u200d\u2060\ufeff\u200e\u200f]/g;
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
 * Plain text of a string that may hold HTML tags and entities (feed titles often do, sometimes
 * double-escaped). Whitespace is normalised. Fast path when there is nothing to decode.
 */
export function decodeHtmlText(text: string): string {
  if (!/[<&]/.test(text)) return normalizeText(text);
  let value = htmlTextContent(text);
  // Titles arrive double-escaped often enough ("&amp;#8217;") to be worth a second pass, but
  // only for entities: a decoded "<b>" is now literal text and must stay.
  if (ENTITY.test(value)) value = htmlTextContent(value.replace(/</g, '&lt;').replace(/>/g, '&gt;'));
  return normalizeText(value);
}

/**
 * Decodes character references in plain text ("AT&amp;T", "&#8217;") and leaves everything
 * else, including line breaks and anything that looks like a tag, as it is.
 */
export function decodeEntities(text: string): string {
  if (!ENTITY.test(text)) return text;
  return htmlTextContent(text.replace(/</g, '&lt;').replace(/>/g, '&gt;'));
}

const ENTITY = /&(?:#\d{1,7}|#x[\da-f]{1,6}|[a-z][a-z\d]{1,31});/i;

function htmlTextContent(html: string): string {
  const { document } = parseHTML(`<!doctype html><html><head></head><body><div>${html}</div></body></html>`);
  const holder = document.body.firstElementChild;
  if (!holder) return html;
  for (const dropped of queryAll(holder, 'script, style, noscript, template')) dropped.remove();
  return holder.textContent ?? '';
}

/** Escapes text for an HTML text node or a double-quoted attribute. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** Words as the selectors count them: runs of non-space characters. */
export function countWords(text: string): number {
  const trimmed = text.trim();
  return trimmed === '' ? 0 : trimmed.split(/\s+/).length;
}
