import { isDecorativeImageUrl } from '../clean/is-tracking-image.js';
import { absoluteUrl } from '../clean/resolve-urls.js';
import type { StoryImage } from '../types.js';

export interface SelectImageOptions {
  /** The feed's own image for the item (enclosure, media:content, JSON Feed image). */
  feedImage?: string;
  /** Base for a relative feed image. */
  baseUrl?: string;
}

/**
 * The story's image: the feed's own image when it gives one (enclosure, media:content or
 * media:thumbnail: publishers choose it for listings), else the lead image the clean stage found
 * (the first meaningful content image, else the page's og:image). Only absolute http(s) URLs;
 * a feed image that is a tracking pixel, icon or logo by its address is passed over.
 */
export function selectImage(articleImage: string | null, options: SelectImageOptions = {}): StoryImage | null {
  const feedImage = options.feedImage?.trim();
  if (feedImage) {
    const resolved = absoluteUrl(feedImage, options.baseUrl);
    if (resolved && /^https?:/i.test(resolved) && !isDecorativeImageUrl(resolved)) return { url: resolved, width: null, height: null };
  }
  return articleImage && /^https?:/i.test(articleImage) ? { url: articleImage, width: null, height: null } : null;
}
