import type { ArticleInput } from '../types.js';
import { isFurnitureText } from '../text/is-furniture-text.js';
import { decodeEntities, normalizeText } from '../text/plain-text.js';

/**
 * True when `text` has the plain-text article shape the project's seed uses: a title alone on
 * the first line, a blank line, then blank-line-separated paragraphs. A first line that reads
 * like a sentence of body text (long, or ending in a full stop) is not a title.
 */
export function isTextArticle(text: string): boolean {
  if (/<[a-z!/][^>]*>/i.test(text)) return false;
  const match = /^\s*(\S[^\n]*)\r?\n[ \t]*\r?\n\s*\S/.exec(text);
  if (!match) return false;
  const first = normalizeText(match[1] ?? '');
  if (first.length === 0 || first.length > 200) return false;
  if (/[.;,]$/.test(first) && !/\.\.\.$|…$/.test(first)) return false;
  return first.split(' ').length <= 30;
}

/** Splits the seed's plain-text form into title (line 1) and body text. */
export function parseTextArticle(text: string): ArticleInput {
  const normalized = text.replace(/\r\n?/g, '\n').replace(/^\s*\n/, '');
  const newline = normalized.indexOf('\n');
  const title = normalizeText(newline === -1 ? normalized : normalized.slice(0, newline));
  const body = newline === -1 ? '' : normalized.slice(newline + 1);
  return { title, text: body };
}

/**
 * Paragraphs of plain text: blank lines separate paragraphs (or, when the text has no blank
 * lines at all, every line is one); lines inside a paragraph are joined with a space; lines
 * that are page furniture ("— Advertisement —", "Please enter your comment!") are dropped.
 */
export function splitTextParagraphs(text: string): string[] {
  const decoded = decodeEntities(text.replace(/\r\n?/g, '\n'));
  const blocks = /\n[ \t\u00a0]*\n/.test(decoded) ? decoded.split(/\n(?:[ \t\u00a0]*\n)+/) : decoded.split('\n');
  const paragraphs: string[] = [];
  for (const block of blocks) {
    const lines = block
      .split('\n')
      .map((line) => normalizeText(line))
      .filter((line) => line !== '' && !isFurnitureText(line));
    const paragraph = normalizeText(lines.join(' '));
    if (paragraph !== '') paragraphs.push(paragraph);
  }
  return paragraphs;
}
