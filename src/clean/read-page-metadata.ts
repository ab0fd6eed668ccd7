import { normalizeText } from './normalize-text.js';
import { queryAll } from './query-all.js';
import { absoluteUrl } from './resolve-urls.js';

export interface PageMetadata {
  title?: string;
  image?: string;
  byline?: string;
  siteName?: string;
}

function meta(document: Document, ...keys: string[]): string | undefined {
  for (const key of keys) {
    for (const element of queryAll(document, `meta[property="${key}"], meta[name="${key}"], meta[itemprop="${key}"]`)) {
      const content = normalizeText(element.getAttribute('content') ?? '');
      if (content !== '') return content;
    }
  }
  return undefined;
}

/**
 * What a whole page says about itself in its head: Open Graph / Twitter card title, image and
 * site name, and the author meta. Read before Readability runs, because Readability rewrites
 * the document.
 */
export function readPageMetadata(document: Document, baseUrl?: string): PageMetadata {
  const result: PageMetadata = {};
  const title = meta(document, 'og:title', 'twitter:title') ?? normalizeText(document.querySelector('title')?.textContent ?? '');
  if (title) result.title = title;
  const imageUrl = meta(document, 'og:image:secure_url', 'og:image', 'og:image:url', 'twitter:image', 'twitter:image:src');
  const image = imageUrl ? absoluteUrl(imageUrl, baseUrl) : undefined;
  if (image && /^https?:/i.test(image)) result.image = image;
  const byline = meta(document, 'author', 'article:author', 'byl', 'sailthru.author', 'parsely-author');
  if (byline && !/^https?:/i.test(byline)) result.byline = byline.replace(/^by\s+/i, '');
  const siteName = meta(document, 'og:site_name', 'application-name', 'twitter:site');
  if (siteName) result.siteName = siteName.replace(/^@/, '');
  return result;
}
