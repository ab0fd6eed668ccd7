import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';

import { boundMarkup } from './bound-markup.js';
import { normalizeText } from '../text/plain-text.js';
import { queryAll } from './query-all.js';
import { removeNeverContent } from './strip-furniture.js';

export interface MainContent {
  /** The element holding the article body, in its own document. */
  content: Element;
  title?: string;
  byline?: string;
  siteName?: string;
  /** Which path found the content, for diagnostics and tests. */
  method: 'readability' | 'fallback';
}

/** Readability output shorter than this (characters of text) is treated as a miss. */
const MIN_READABILITY_TEXT = 200;

/**
 * Parses a whole page into a linkedom document, within the bounds of boundMarkup. The parser
 * does not build the implied <html>/<body> of the HTML spec, so pages that leave them out are
 * wrapped first.
 */
export function parsePage(html: string): Document {
  let source = boundMarkup(stripInertMarkup(html));
  if (!/<html[\s>]/i.test(source)) {
    source = /<body[\s>]/i.test(source) ? `<html>${source}</html>` : `<html><head></head><body>${source}</body></html>`;
  }
  return parseHTML(source).document;
}

/**
 * Drops scripts (except JSON-LD, which Readability reads for metadata), styles, SVG and comments
 * before parsing. Large pages carry hundreds of kilobytes of these; none of it is article text,
 * and not building it into the DOM roughly halves parse and extraction time.
 */
function stripInertMarkup(html: string): string {
  return html
    .replace(/<script\b(?![^>]*application\/ld\+json)[^>]*>[\s\S]*?<\/script\s*>/gi, '')
    .replace(/<style\b[^>]*>[\s\S]*?<\/style\s*>/gi, '')
    .replace(/<svg\b[^>]*>[\s\S]*?<\/svg\s*>/gi, '')
    .replace(/<!--[\s\S]*?-->/g, '');
}

/**
 * Finds the article body of a whole page: Mozilla Readability first (over linkedom), and when it
 * returns nothing or almost nothing, a fallback that picks the container with the most
 * paragraph text among the usual article wrappers. `document` is consumed (Readability
 * rewrites it); `html` is reparsed for the fallback.
 */
export function extractMainContent(document: Document, html: string): MainContent {
  let parsed: ReturnType<Readability<Node>['parse']> = null;
  try {
    parsed = new Readability<Node>(document, { keepClasses: true, serializer: (node) => node, charThreshold: 500 }).parse();
  } catch {
    // Readability throws on some malformed trees; the fallback below still has the page.
    parsed = null;
  }
  const content = parsed?.content;
  const metadata = {
    ...(parsed?.title ? { title: normalizeText(parsed.title) } : {}),
    ...(parsed?.byline ? { byline: normalizeText(parsed.byline) } : {}),
    ...(parsed?.siteName ? { siteName: normalizeText(parsed.siteName) } : {}),
  };
  if (content && content.nodeType === 1 && normalizeText(content.textContent ?? '').length >= MIN_READABILITY_TEXT) {
    return { content: content as Element, ...metadata, method: 'readability' };
  }
  return { content: fallbackContent(parsePage(html)), ...metadata, method: 'fallback' };
}

const CONTAINERS = [
  '[itemprop="articleBody"]',
  '[itemprop="text"]',
  'article',
  '[role="main"]',
  'main',
  '[class*="article-body"]',
  '[class*="article__body"]',
  '[class*="articleBody"]',
  '[class*="entry-content"]',
  '[class*="post-content"]',
  '[class*="post-body"]',
  '[class*="story-body"]',
  '[class*="article-content"]',
  '[id="content"]',
  '[class~="content"]',
].join(', ');

function paragraphText(element: Element): number {
  let length = 0;
  for (const paragraph of queryAll(element, 'p')) length += normalizeText(paragraph.textContent ?? '').length;
  return length;
}

/** The usual article wrapper holding the most paragraph text, else the body. */
function fallbackContent(document: Document): Element {
  for (const element of queryAll(document, 'script, style, noscript, template, header')) element.remove();
  const body = document.body ?? document.documentElement;
  removeNeverContent(body);
  let best: Element | null = null;
  let bestScore = 0;
  for (const candidate of queryAll(document, CONTAINERS)) {
    const score = paragraphText(candidate);
    // Prefer the innermost wrapper among those holding (nearly) the same text.
    if (score > bestScore * 1.1 || (best && best.contains(candidate) && score >= bestScore * 0.9)) {
      best = candidate;
      bestScore = score;
    }
  }
  if (!best || bestScore < 200) return body;
  return best;
}
