import { imageSize } from 'image-size';

import { isTooSmall } from '../clean/image-size.js';
import { fetchResource, type FetchOptions } from '../fetch/fetch-resource.js';
import type { Limiter } from '../fetch/limit.js';
import type { DigestItem, StoryImage } from '../types.js';

/**
 * Enough of an image file for its header to state its size: PNG, GIF and WebP need a few dozen
 * bytes; a JPEG's size comes after its metadata, which camera EXIF can push past 64 KB.
 */
const HEADER_BYTES = 128 * 1024;
/** A slow image server must not hold up the digest: the size stays unknown instead. */
const MAX_WAIT_MS = 8_000;

export interface MeasureOptions {
  limit: Limiter;
  /** The config's fetch settings for links found in feeds (timeout, private addresses). */
  fetch: Partial<FetchOptions>;
}

/**
 * The size of each chosen story's image that neither the feed nor the page states, read from the
 * first bytes of the file itself, so the email can show it no wider than it is. An image that
 * turns out to be under 150 px is no story image and is dropped. Images that cannot be read
 * (unreachable, not an image, an unknown format) keep their unknown size: the story still goes out.
 * Runs through the shared limiter, like article pages.
 */
export async function measureImages(items: readonly DigestItem[], options: MeasureOptions): Promise<DigestItem[]> {
  const sizes = new Map<string, Promise<StoryImage | null | undefined>>();
  const measure = (image: StoryImage): Promise<StoryImage | null | undefined> => {
    let pending = sizes.get(image.url);
    if (!pending) {
      pending = options.limit(image.url, () => readSize(image, options.fetch));
      sizes.set(image.url, pending);
    }
    return pending;
  };
  return Promise.all(
    items.map(async (item) => {
      if (!item.image || item.image.width !== null) return item;
      const measured = await measure(item.image);
      return measured === undefined ? item : { ...item, image: measured };
    }),
  );
}

/** The image with its size; null when it is too small to be a story image; undefined when unknown. */
async function readSize(image: StoryImage, fetch: Partial<FetchOptions>): Promise<StoryImage | null | undefined> {
  try {
    const result = await fetchResource(image.url, {
      ...fetch,
      timeoutMs: Math.min(fetch.timeoutMs ?? MAX_WAIT_MS, MAX_WAIT_MS),
      retries: 0,
      firstBytes: HEADER_BYTES,
      accept: 'image/avif,image/webp,image/png,image/jpeg,image/gif,image/*;q=0.8',
    });
    if (!result.bytes || result.bytes.length === 0) return undefined;
    const size = imageSize(result.bytes);
    // EXIF orientations 5–8 turn the picture a quarter: it shows height by width.
    const [width, height] = (size.orientation ?? 1) >= 5 ? [size.height, size.width] : [size.width, size.height];
    if (!width || !height) return undefined;
    if (isTooSmall({ width, height })) return null;
    return { ...image, width, height };
  } catch {
    return undefined;
  }
}
