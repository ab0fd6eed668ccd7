import type { StoryImage } from '../types.js';
import { isTooSmall, knownSize } from './image-size.js';
import { isDecorativeImageUrl } from './is-tracking-image.js';
import { normalizeText } from '../text/plain-text.js';
import { absoluteUrl } from './resolve-urls.js';

export interface PageMetadata {
  /** Open Graph or Twitter card title, else the <title> element's text. */
  title?: string;
  /** The <title> element's text. */
  documentTitle?: string;
  /** Texts of the first few <h1> elements: the headline a page shows is usually one of them. */
  headings: string[];
  image?: StoryImage;
  byline?: string;
  siteName?: string;
}

/** All <meta> values by lowercased property/name/itemprop, first value wins; one pass over the page. */
function collectMeta(document: Document): Map<string, string> {
  const values = new Map<string, string>();
  // Metadata lives in the head; only look through the whole page when the head has none.
  const inHead = document.head?.getElementsByTagName('meta');
  const metas = inHead && inHead.length > 0 ? inHead : document.getElementsByTagName('meta');
  for (let index = 0; index < metas.length; index += 1) {
    const element = metas[index];
    if (!element) continue;
    const content = normalizeText(element.getAttribute('content') ?? '');
    if (content === '') continue;
    for (const attribute of ['property', 'name', 'itemprop']) {
      // RDFa allows several properties in one attribute: property="og:title twitter:title".
      for (const key of (element.getAttribute(attribute) ?? '').toLowerCase().split(/\s+/)) {
        if (key && !values.has(key)) values.set(key, content);
      }
    }
  }
  return values;
}

function first(values: Map<string, string>, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = values.get(key);
    if (value) return value;
  }
  return undefined;
}

/**
 * What a whole page says about itself in its head: Open Graph / Twitter card title, image and
 * site name, and the author meta. Read before Readability runs, because Readability rewrites
 * the document.
 */
export function readPageMetadata(document: Document, baseUrl?: string): PageMetadata {
  const result: PageMetadata = { headings: [] };
  const values = collectMeta(document);
  const meta = (...keys: string[]): string | undefined => first(values, ...keys);
  const documentTitle = normalizeText(document.getElementsByTagName('title')[0]?.textContent ?? '');
  if (documentTitle) result.documentTitle = documentTitle;
  const title = meta('og:title', 'twitter:title') ?? documentTitle;
  if (title) result.title = title;
  const headings = document.getElementsByTagName('h1');
  for (let index = 0; index < headings.length && result.headings.length < 5; index += 1) {
    const text = normalizeText(headings[index]?.textContent ?? '');
    if (text !== '' && text.length <= 300) result.headings.push(text);
  }
  // The first share image that is a picture rather than the site's logo, icon or a pixel.
  for (const key of ['og:image:secure_url', 'og:image', 'og:image:url', 'twitter:image', 'twitter:image:src']) {
    const value = values.get(key);
    const image = value ? absoluteUrl(value, baseUrl) : undefined;
    if (!image || !/^https?:/i.test(image) || isDecorativeImageUrl(image)) continue;
    // og:image:width/height describe the og:image; Twitter cards state no size.
    const declared = key.startsWith('og:') ? { width: Number(meta('og:image:width')) || undefined, height: Number(meta('og:image:height')) || undefined } : {};
    const size = knownSize(Object.fromEntries(Object.entries(declared).filter(([, v]) => v !== undefined)), image);
    if (isTooSmall(size)) continue;
    result.image = { url: image, width: size.width ?? null, height: size.height ?? null };
    break;
  }
  const byline = meta('author', 'article:author', 'byl', 'sailthru.author', 'parsely-author');
  if (byline && !/^https?:/i.test(byline)) result.byline = byline.replace(/^by\s+/i, '');
  const siteName = meta('og:site_name', 'application-name', 'twitter:site');
  if (siteName) result.siteName = siteName.replace(/^@/, '');
  return result;
}
