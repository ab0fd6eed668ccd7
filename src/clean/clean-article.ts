import { comparableText } from '../text/compare-text.js';
import { parseHTML } from 'linkedom';

import type { ArticleInput, CleanArticle } from '../types.js';
import { boundMarkup, boundText } from './bound-markup.js';
import { choosePageTitle } from './choose-page-title.js';
import { collectParagraphs } from './collect-paragraphs.js';
import { extractMainContent, parsePage } from './extract-main-content.js';
import { findLeadImage } from './find-lead-image.js';
import { isBinaryText } from './is-binary-text.js';
import { isCaptionText, isCreditLine, isFurnitureText } from '../text/is-furniture-text.js';
import { decodeEntities, escapeHtml, normalizeText } from '../text/plain-text.js';
import { isTextArticle, parseTextArticle, splitTextParagraphs } from './parse-text-article.js';
import { readPageMetadata } from './read-page-metadata.js';
import { resolveUrls } from './resolve-urls.js';
import { sanitizeBody } from './sanitize-body.js';
import { removeNeverContent, stripFurniture } from './strip-furniture.js';

export { isTextArticle, parseTextArticle } from './parse-text-article.js';
export type { ArticleInput } from '../types.js';

/**
 * Cleans one article into plain paragraphs, email-safe HTML and a lead image.
 *
 * Order of work:
 * 1. Pick the form: a whole page (has <html>/<head>/<body>) goes through Readability for its main
 *    content, with a fallback; a fragment is cleaned directly (Readability discards too much of
 *    short fragments); HTML without any tags and `text` are read as plain text.
 * 2. Resolve URLs and promote lazy images, then strip page furniture using the DOM's structure
 *    and line patterns.
 * 3. Read paragraphs, choose the lead image, and sanitise the HTML to the email allowlist.
 */
export function cleanArticle(input: ArticleInput): CleanArticle {
  const html = input.html?.trim() ?? '';
  const empty: CleanArticle = { title: normalizeText(input.title ?? ''), paragraphs: [], html: '', image: null };
  // Binary data is not an article: no text can honestly be read from it.
  if (isBinaryText(html) || (html === '' && isBinaryText(input.text ?? ''))) return empty;
  if (html !== '') {
    if (!/<[a-z!/][^>]*>/i.test(html)) return cleanText(html, input);
    // Real pages nest a few dozen levels deep; thousands of levels is hostile input that would
    // make Readability (and any tree walk) crawl. Read it as text instead.
    if (nestingDepth(html) > MAX_NESTING) return cleanText(flattenHtml(html), input);
    const article = isWholePage(html) ? cleanPage(html, input) : cleanFragment(html, input);
    if (article.paragraphs.length > 0 || !input.text?.trim()) return article;
  }
  if (input.text?.trim() && !isBinaryText(input.text)) return cleanText(input.text, input);
  return empty;
}

/** Deepest element nesting accepted as HTML; the 251 corpus pages reach 51 at most. */
const MAX_NESTING = 100;
/** Elements that do not nest (void), or whose end tag is often left out. */
const NOT_NESTING = /^(?:area|base|br|col|embed|hr|img|input|keygen|link|meta|param|source|track|wbr|p|li|option|td|tr|th|dt|dd)$/i;

/** Approximate element nesting depth of an HTML string, from its tags alone (no parsing). */
export function nestingDepth(html: string): number {
  let depth = 0;
  let deepest = 0;
  // Scripts, styles and comments first, so tags inside them are not counted.
  const tags = /<!--[\s\S]*?-->|<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>|<(\/?)([a-zA-Z][\w:-]*)[^>]*?(\/?)>/g;
  for (let match = tags.exec(html); match; match = tags.exec(html)) {
    const name = match[3];
    if (!name || NOT_NESTING.test(name) || match[4]) continue;
    if (match[2]) depth = Math.max(0, depth - 1);
    else deepest = Math.max(deepest, (depth += 1));
  }
  return deepest;
}

/** Text of hostile HTML without building a tree: block tags become paragraph breaks. */
function flattenHtml(html: string): string {
  const text = html
    .replace(/<(script|style|template|noscript)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<\/?(?:p|div|section|article|br|li|ul|ol|h[1-6]|blockquote|tr|table|figure|header|footer)\b[^>]*>/gi, '\n\n')
    .replace(/<[^>]*>/g, ' ');
  return decodeEntities(text);
}

/** A whole document rather than a content fragment. */
export function isWholePage(html: string): boolean {
  return /^\s*(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*)*<!doctype html|<html[\s>]|<head[\s>]|<body[\s>]/i.test(html.slice(0, 4096));
}

function cleanText(fullText: string, input: ArticleInput): CleanArticle {
  const text = boundText(fullText);
  let title = input.title;
  let body = text;
  if (title === undefined && isTextArticle(text)) {
    const parsed = parseTextArticle(text);
    title = parsed.title;
    body = parsed.text ?? '';
  }
  const cleanTitle = normalizeText(title ?? '');
  const paragraphs = dropRepeatedTitle(splitTextParagraphs(body), cleanTitle);
  return {
    title: cleanTitle,
    paragraphs,
    html: paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`).join('\n'),
    image: null,
  };
}

function cleanFragment(html: string, input: ArticleInput): CleanArticle {
  const { document } = parseHTML(`<!doctype html><html><head></head><body>${boundMarkup(html)}</body></html>`);
  const title = normalizeText(input.title ?? '');
  const body = cleanContent(document.body, title, input.url);
  return { title, ...body };
}

function cleanPage(html: string, input: ArticleInput): CleanArticle {
  const document = parsePage(html);
  const base = pageBase(document, input.url);
  const metadata = readPageMetadata(document, base);
  // Readability resolves links against the document's base URI; give it the page URL.
  if (base && !document.getElementsByTagName('base')[0]?.hasAttribute('href') && document.head) {
    const element = document.createElement('base');
    element.setAttribute('href', base);
    document.head.insertBefore(element, document.head.firstChild);
  }
  // Less for Readability to score, and nothing it could mistake for the article.
  if (document.body) removeNeverContent(document.body);
  const main = extractMainContent(document, html);
  const siteName = metadata.siteName ?? main.siteName;
  const readabilityTitle = main.title ?? metadata.title;
  const pageTitle = choosePageTitle({
    ...(readabilityTitle ? { readability: readabilityTitle } : {}),
    ...(metadata.documentTitle ? { document: metadata.documentTitle } : {}),
    ...(siteName ? { siteName } : {}),
    headings: metadata.headings,
  });
  // Page titles come from the DOM and meta tags, already text: nothing is decoded twice.
  const title = normalizeText(input.title ?? pageTitle ?? '');
  const body = cleanContent(main.content, title, base);
  const byline = main.byline ?? body.byline ?? metadata.byline;
  return {
    title,
    ...body,
    image: body.image ?? metadata.image ?? null,
    ...(byline ? { byline } : {}),
    ...(siteName ? { siteName } : {}),
  };
}

/** The page's own <base href>, resolved against the URL it was fetched from. */
function pageBase(document: Document, url?: string): string | undefined {
  const declared = document.getElementsByTagName('base')[0]?.getAttribute('href');
  if (declared) {
    try {
      return new URL(declared, url).href;
    } catch {
      // A malformed <base> is ignored, as browsers do.
    }
  }
  return url;
}

function cleanContent(root: Element, title: string, baseUrl?: string): Omit<CleanArticle, 'title'> {
  resolveUrls(root, baseUrl);
  stripFurniture(root, { title });
  leafDivsToParagraphs(root);
  const byline = takeByline(root);
  const paragraphs = dropRepeatedTitle(dropCaptions(collectParagraphs(root)).filter((paragraph) => !isFurnitureText(paragraph)), title);
  const image = findLeadImage(root);
  return { paragraphs, html: sanitizeBody(root.innerHTML), image, ...(byline ? { byline } : {}) };
}

const BYLINE_BLOCKS = new Set(['p', 'div', 'span', 'address', 'h4', 'h5', 'h6', 'strong']);

/** The first `limit` elements in document order whose tag is in `names`, without a full query. */
function firstElements(root: Element, names: Set<string>, limit: number): Element[] {
  const found: Element[] = [];
  const visit = (element: Element): void => {
    for (let child = element.firstElementChild; child && found.length < limit; child = child.nextElementSibling) {
      if (names.has(child.localName)) found.push(child);
      if (found.length < limit) visit(child);
    }
  };
  visit(root);
  return found;
}

/** "By Jane Doe", "By JANE DOE and John Roe, Associated Press", "By Jane Doe | Reuters". */
const BYLINE = /^by\s+(\p{Lu}[\p{L}.'’-]*(?:\s+(?:(?:and|&|de|da|van|von|der|le|la)\s+)?\p{Lu}[\p{L}.'’-]*){0,6}(?:\s*(?:,|\||–|—|-)\s*[\p{L}.'’ &-]{2,40})?)$/iu;

/**
 * Removes a byline block from the top of the body and returns the names. Only the first few
 * blocks are looked at: a "By …" line further down is part of the story.
 */
function takeByline(root: Element): string | undefined {
  for (const block of firstElements(root, BYLINE_BLOCKS, 8)) {
    const text = normalizeText(block.textContent ?? '');
    if (text === '' || text.length > 120) continue;
    const match = BYLINE.exec(text);
    if (!match) continue;
    block.remove();
    return match[1];
  }
  return undefined;
}

/**
 * Divs that hold text directly are paragraphs in all but name; the sanitiser drops div tags, so
 * without this their text would run into the neighbouring paragraph.
 */
function leafDivsToParagraphs(root: Element): void {
  const leaves: Element[] = [];
  // Post-order walk: returns whether the subtree holds a block element.
  const visit = (element: Element): boolean => {
    let hasBlock = false;
    for (let child = element.firstElementChild; child; child = child.nextElementSibling) {
      if (visit(child) || BLOCKS.has(child.localName)) hasBlock = true;
    }
    if (element.localName === 'div' && !hasBlock && element !== root) leaves.push(element);
    return hasBlock;
  };
  visit(root);
  for (const div of leaves) {
    if (normalizeText(div.textContent ?? '') === '') continue;
    const paragraph = div.ownerDocument.createElement('p');
    while (div.firstChild) paragraph.appendChild(div.firstChild);
    div.replaceWith(paragraph);
  }
}

const BLOCKS = new Set(['p', 'div', 'ul', 'ol', 'table', 'blockquote', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'figure', 'pre', 'section', 'article']);


/**
 * Drops picture captions that ended up as paragraphs: those recognisable by themselves, and a
 * short paragraph right before a bare credit line ("Jane Doe | Bloomberg | Getty Images"),
 * together with the credit.
 */
function dropCaptions(paragraphs: string[]): string[] {
  const kept: string[] = [];
  paragraphs.forEach((paragraph, index) => {
    if (isCaptionText(paragraph) || isCreditLine(paragraph)) return;
    const next = paragraphs[index + 1];
    if (next !== undefined && isCreditLine(next) && paragraph.split(/\s+/).length <= 80) return;
    kept.push(paragraph);
  });
  return kept;
}

/** Drops a first paragraph that only repeats the title. */
function dropRepeatedTitle(paragraphs: string[], title: string): string[] {
  if (title === '' || paragraphs.length === 0) return paragraphs;
  return comparableText(paragraphs[0] ?? '') === comparableText(title) ? paragraphs.slice(1) : paragraphs;
}
