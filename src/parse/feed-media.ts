/**
 * An RSS or Atom item's pictures and audio/video (Media RSS, enclosures, iTunes), read from the
 * raw xml2js nodes with the sizes the feed declares.
 */
import type { Enclosure, StoryImage } from '../types.js';
import { resolveLink } from './resolve-url.js';
import { attr, hasChildren, isElement, nodes } from './xml-nodes.js';
import type { XmlElement } from './xml-nodes.js';

const IMAGE_EXTENSION = /\.(jpe?g|png|gif|webp|avif|svg)(\?|#|$)/i;
const MEDIA_EXTENSION = /\.(mp3|m4a|m4b|aac|ogg|oga|opus|wav|flac|mp4|m4v|mov|webm|mkv)(\?|#|$)/i;

export function looksLikeImage(url: string, type?: string, medium?: string): boolean {
  if (medium) return medium.trim().toLowerCase() === 'image';
  if (type) return type.trim().toLowerCase().startsWith('image/');
  return IMAGE_EXTENSION.test(url);
}

function looksLikeMedia(url: string, type?: string, medium?: string): boolean {
  if (medium) return /^(?:audio|video)$/i.test(medium.trim());
  if (type) return /^(?:audio|video)\//i.test(type.trim());
  return MEDIA_EXTENSION.test(url);
}

/** A declared pixel size ("460", "460px"); anything else is unknown. */
function pixels(value: string | undefined): number | null {
  const match = value === undefined ? null : /^\s*(\d{1,5})(?:\.\d+)?\s*(?:px)?\s*$/i.exec(value);
  const number = match ? Number(match[1]) : 0;
  return number > 0 ? number : null;
}

/** Reports an address that cannot be made an absolute http(s) URL. */
export type WarnFn = (message: string) => void;

function shorten(text: string): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  return clean.length > 80 ? `${clean.slice(0, 77)}…` : clean;
}

function image(url: string | undefined, node: unknown, base: string | undefined, warn: WarnFn): StoryImage | undefined {
  if (url === undefined || url.trim() === '') return undefined;
  const resolved = resolveLink(url, base);
  if (!resolved) {
    warn(`its image address "${shorten(url)}" is not a usable http(s) URL; the story goes out without that image`);
    return undefined;
  }
  return { url: resolved, width: pixels(attr(node, 'width')), height: pixels(attr(node, 'height')) };
}

/**
 * Every picture the item names, in the order feeds mean them: media:content, media:group (its
 * contents and thumbnails), media:thumbnail, image enclosures (RSS and Atom), itunes:image.
 * Duplicates are dropped; an address that is not a URL is reported and skipped.
 */
export function itemImages(item: XmlElement, base: string | undefined, warn: WarnFn): StoryImage[] {
  const found: StoryImage[] = [];
  const add = (candidate: StoryImage | undefined): void => {
    if (candidate && !found.some((known) => known.url === candidate.url)) found.push(candidate);
  };
  const fromContents = (value: unknown): void => {
    for (const node of nodes(value)) {
      const url = attr(node, 'url');
      if (url && looksLikeImage(url, attr(node, 'type'), attr(node, 'medium'))) add(image(url, node, base, warn));
      // A video's media:content may carry the picture that stands for it.
      if (isElement(node)) fromThumbnails(node['media:thumbnail']);
    }
  };
  const fromThumbnails = (value: unknown): void => {
    for (const node of nodes(value)) add(image(attr(node, 'url'), node, base, warn));
  };
  fromContents(item['x:media:content']);
  for (const group of nodes(item['x:media:group'])) {
    if (!isElement(group)) continue;
    fromContents(group['media:content']);
    fromThumbnails(group['media:thumbnail']);
  }
  fromThumbnails(item['x:media:thumbnail']);
  for (const node of nodes(item['x:enclosure'])) {
    const url = attr(node, 'url');
    if (url && looksLikeImage(url, attr(node, 'type'))) add(image(url, undefined, base, warn));
  }
  for (const node of nodes(item['x:link'])) {
    const href = attr(node, 'href');
    if (href && attr(node, 'rel')?.trim().toLowerCase() === 'enclosure' && looksLikeImage(href, attr(node, 'type'))) add(image(href, undefined, base, warn));
  }
  for (const node of nodes(item['x:itunes:image'])) add(image(attr(node, 'href') ?? attr(node, 'url'), undefined, base, warn));
  // Unnamespaced picture elements some newspapers add, holding the address as text or in url="".
  for (const name of ['x:bigimage', 'x:largeimage', 'x:image', 'x:thumbnail', 'x:smallimage']) {
    for (const node of nodes(item[name])) {
      const url = attr(node, 'url') ?? (typeof node === 'string' ? node : isElement(node) && typeof node._ === 'string' && !hasChildren(node) ? node._ : undefined);
      if (url?.trim() && looksLikeImage(url.trim(), attr(node, 'type'))) add(image(url.trim(), node, base, warn));
    }
  }
  return found;
}

/** The item's audio or video: an RSS enclosure, an Atom enclosure link, or a Media RSS file. */
export function itemEnclosure(item: XmlElement, base: string | undefined): Enclosure | undefined {
  const candidates: { url?: string; type?: string; medium?: string }[] = [];
  for (const node of nodes(item['x:enclosure'])) candidates.push({ url: attr(node, 'url'), type: attr(node, 'type') });
  for (const node of nodes(item['x:link'])) {
    if (attr(node, 'rel')?.trim().toLowerCase() === 'enclosure') candidates.push({ url: attr(node, 'href'), type: attr(node, 'type') });
  }
  const media = [...nodes(item['x:media:content']), ...nodes(item['x:media:group']).flatMap((group) => (isElement(group) ? nodes(group['media:content']) : []))];
  for (const node of media) candidates.push({ url: attr(node, 'url'), type: attr(node, 'type'), medium: attr(node, 'medium') });
  for (const candidate of candidates) {
    if (!candidate.url || !looksLikeMedia(candidate.url, candidate.type, candidate.medium)) continue;
    const url = resolveLink(candidate.url, base);
    if (url) return { url, ...(candidate.type?.trim() ? { type: candidate.type.trim().toLowerCase() } : {}) };
  }
  return undefined;
}
