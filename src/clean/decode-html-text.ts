import { parseHTML } from 'linkedom';
import { ENTITY, normalizeText } from '../text/plain-text.js';
import { queryAll } from './query-all.js';

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

function htmlTextContent(html: string): string {
  const { document } = parseHTML(`<!doctype html><html><head></head><body><div>${html}</div></body></html>`);
  const holder = document.body.firstElementChild;
  if (!holder) return html;
  for (const dropped of queryAll(holder, 'script, style, noscript, template')) dropped.remove();
  return holder.textContent ?? '';
}
