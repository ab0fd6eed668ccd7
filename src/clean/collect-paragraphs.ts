import { normalizeText } from './normalize-text.js';

/** Elements that start and end a paragraph of their own. */
const BLOCK =
  /^(?:p|div|section|article|main|header|ul|ol|li|dl|dt|dd|blockquote|h[1-6]|pre|figure|table|thead|tbody|tfoot|tr|td|th|caption|hr|address|center|details|summary|body|html)$/;
/** Elements whose text is not body text. */
const SKIP = /^(?:script|style|noscript|template|figcaption|img|picture|video|audio|svg|head|title|button|select|textarea|iframe|object)$/;

/**
 * Reads a cleaned content tree as paragraphs of plain text: one per p, li, blockquote paragraph,
 * heading and other block; `<br><br>` (two or more breaks in a row) and blank lines inside text
 * also split. A single `<br>` is a line break inside the paragraph and reads as a space.
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
        if (pendingBreaks >= 2) flush();
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
