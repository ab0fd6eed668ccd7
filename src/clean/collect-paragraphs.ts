import { normalizeText } from '../text/plain-text.js';

/** Elements that start and end a paragraph of their own. */
const BLOCK =
  /^(?:p|div|section|article|main|header|ul|ol|li|dl|dt|dd|blockquote|h[1-6]|pre|figure|table|thead|tbody|tfoot|tr|td|th|caption|hr|address|center|details|summary|body|html)$/;
/** A line that carries on the sentence before it: it opens in lower case. */
const CONTINUES = /^\s*[\p{Ll}(,;:–—-]/u;
/** Elements whose text is not body text. */
const SKIP = /^(?:script|style|noscript|template|figcaption|img|picture|video|audio|svg|head|title|button|select|textarea|iframe|object)$/;

/**
 * Reads a cleaned content tree as paragraphs of plain text: one per p, li, blockquote paragraph,
 * heading and other block; `<br><br>` (two or more breaks in a row) and blank lines inside text
 * also split. A single `<br>` splits too — the lines of a post, an address or a list written
 * with breaks are separate lines, not one run-on sentence — unless the next line goes on in
 * lower case, the mark of a sentence wrapped by hand.
 * Figure captions are left out: they describe a picture, they are not the story.
 */
export function collectParagraphs(root: Element): string[] {
  const paragraphs: string[] = [];
  let buffer = '';
  let pendingBreaks = 0;

  const flush = (): void => {
    const text = normalizeText(buffer);
    if (text !== '') paragraphs.push(text);
    buffer = '';
    pendingBreaks = 0;
  };

  const walk = (node: Node): void => {
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (child.nodeType === 3) {
        const text = child.textContent ?? '';
        if (text.trim() === '') {
          buffer += text;
          continue;
        }
        if (pendingBreaks >= 2 || (pendingBreaks === 1 && !CONTINUES.test(text))) flush();
        pendingBreaks = 0;
        const pieces = text.split(/\n[ \t\u00a0]*\n/);
        pieces.forEach((piece, index) => {
          if (index > 0) flush();
          buffer += piece;
        });
        continue;
      }
      if (child.nodeType !== 1) continue;
      const name = (child as Element).localName;
      if (name === 'br') {
        pendingBreaks += 1;
        buffer += ' ';
        continue;
      }
      if (SKIP.test(name)) continue;
      if (BLOCK.test(name)) {
        flush();
        walk(child);
        flush();
      } else {
        walk(child);
      }
    }
  };

  walk(root);
  flush();
  return paragraphs;
}
