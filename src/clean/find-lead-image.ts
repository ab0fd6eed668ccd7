import type { StoryImage } from '../types.js';
import { isTooSmall, knownSize } from './image-size.js';
import { imageSize, isDecorativeImage } from './is-tracking-image.js';
import { queryAll } from './query-all.js';
import { INTRINSIC_WIDTH } from './resolve-urls.js';

/**
 * The first meaningful content image of a cleaned tree (absolute http(s) src, not a pixel,
 * icon, avatar, logo or anything under 150 px), with its size, or null. Run after `resolveUrls`,
 * which promotes lazy images and picks from srcset.
 */
export function findLeadImage(root: Element): StoryImage | null {
  for (const img of queryAll(root, 'img')) {
    const src = img.getAttribute('src') ?? '';
    if (!/^https?:\/\//i.test(src)) continue;
    if (isDecorativeImage(img)) continue;
    const size = contentImageSize(img, src);
    if (isTooSmall(size)) continue;
    const alt = img.getAttribute('alt')?.trim();
    return { url: src, width: size.width ?? null, height: size.height ?? null, ...(alt ? { alt } : {}) };
  }
  return null;
}

/**
 * The size of the file an img shows: the srcset width it was chosen by (height scaled from the
 * width and height attributes), else its width and height attributes, else its address's hints.
 */
function contentImageSize(img: Element, src: string): { width?: number; height?: number } {
  const declared = imageSize(img);
  const intrinsic = Number(img.getAttribute(INTRINSIC_WIDTH));
  if (intrinsic > 0) {
    const height = declared.width && declared.height ? Math.round((declared.height * intrinsic) / declared.width) : undefined;
    return { width: intrinsic, ...(height ? { height } : {}) };
  }
  return knownSize(declared, src);
}
