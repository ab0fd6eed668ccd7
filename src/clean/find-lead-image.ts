import { isDecorativeImage } from './is-tracking-image.js';
import { queryAll } from './query-all.js';

/**
 * The first meaningful content image of a cleaned tree (absolute http(s) src, not a pixel,
 * icon, avatar or logo), or null. Run after `resolveUrls`, which promotes lazy images.
 */
export function findLeadImage(root: Element): string | null {
  for (const img of queryAll(root, 'img')) {
    const src = img.getAttribute('src') ?? '';
    if (!/^https?:\/\//i.test(src)) continue;
    if (isDecorativeImage(img)) continue;
    return src;
  }
  return null;
}
