/**
 * Feed text made plain at the parse boundary, so every later stage reads titles as text and
 * nothing decodes them a second time (a second decode turns the text "Using <video>" into a
 * tag and eats it).
 *
 * The XML parser has already decoded XML's own escaping. What is left is the feed format's
 * convention for the field:
 * - text (Atom type="text", JSON Feed titles, OPML attributes): entities left in it are the
 *   publisher escaping twice ("Tom &amp; Jerry" after XML decoding) and are decoded once; a "<"
 *   is a character, never a tag.
 * - html (Atom type="html"/"xhtml"): markup; tags are dropped and entities decoded once.
 * - rss (RSS titles, which the spec leaves undefined): read as HTML only when every tag in it is
 *   inline formatting (<em>, <b>, <a>…); otherwise as text, so "Why <table> layouts fail"
 *   keeps its <table>.
 */
import { decodeEntities, escapeHtml, normalizeText } from '../text/plain-text.js';

export type TextKind = 'text' | 'html' | 'rss';

/** Tags a title may carry for emphasis, which a reader never sees as characters. */
const INLINE_TAG = /^(?:a|abbr|b|bdi|bdo|big|br|cite|code|del|dfn|em|font|i|ins|kbd|mark|q|s|samp|small|span|strike|strong|sub|sup|time|tt|u|var|wbr)$/i;
const TAG = /<\/?([a-z][a-z0-9-]*)\b[^>]*>/gi;

function hasOnlyInlineTags(value: string): boolean {
  let any = false;
  for (const match of value.matchAll(TAG)) {
    any = true;
    if (!INLINE_TAG.test(match[1] ?? '')) return false;
  }
  return any;
}

/**
 * A title (or other one-line label) as plain text: decoded once by its kind, whitespace
 * normalised. An entity still left after that ("&amp;#8217;" escaped three times) is decoded
 * too; a tag never is.
 */
export function plainTitle(value: string | undefined, kind: TextKind): string | undefined {
  if (value === undefined) return undefined;
  const html = kind === 'html' || (kind === 'rss' && hasOnlyInlineTags(value));
  // A reference to no character (&#0;) decodes to U+FFFD: nothing a reader should see.
  const text = normalizeText(decodeEntitiesTwice(html ? withoutTags(value) : value).replace(/\ufffd/g, ' '));
  return text === '' ? undefined : text;
}

/**
 * A title's markup removed without a DOM (the parse stage loads none): elements whose content is
 * never text go whole, comments go, other tags leave their text; what the tags' entities were
 * is decoded after.
 */
function withoutTags(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(script|style|noscript|template)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<br\s*\/?>/gi, ' ')
    .replace(/<\/?[a-z][^>]*>/gi, '');
}

/** Entities only, never tags: once, and once more when the publisher escaped twice. */
function decodeEntitiesTwice(value: string): string {
  const once = decodeEntities(value);
  return once === value ? once : decodeEntities(once);
}

/**
 * Plain text (media:description, itunes:summary, a text-only description) as the HTML the clean
 * stage reads: characters escaped, a blank line a new paragraph, a single line break a <br> so
 * lines stay apart instead of running into one sentence.
 */
export function plainTextToHtml(text: string): string {
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t\u00a0]*\n/)
    .map((block) =>
      block
        .split('\n')
        .map((line) => escapeHtml(line.trim()))
        .filter((line) => line !== '')
        .join('<br>'),
    )
    .filter((block) => block !== '');
  return paragraphs.map((block) => `<p>${block}</p>`).join('\n');
}
