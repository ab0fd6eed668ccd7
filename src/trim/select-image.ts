import { EMAIL_IMAGE_WIDTH, isTooSmall, knownSize } from '../clean/image-size.js';
import { isDecorativeImageUrl } from '../clean/is-tracking-image.js';
import { absoluteUrl } from '../clean/resolve-urls.js';
import type { StoryImage } from '../types.js';

export interface SelectImageOptions {
  /** The feed's own images for the item (media:content, thumbnails, enclosure, JSON Feed image), in its order. */
  feedImages?: readonly StoryImage[];
  /** Base for a relative feed image. */
  baseUrl?: string;
}

/**
 * How much a picture of this width is worth to the email: up to twice the email's width (sharp
 * on high-density screens) wider is better; past that, all the same. A size nobody states ranks
 * as a middling picture: above a known small one, below a known large one.
 */
function worth(image: StoryImage): number {
  if (image.width === null) return EMAIL_IMAGE_WIDTH * 0.75;
  return Math.min(image.width, EMAIL_IMAGE_WIDTH * 2);
}

/** The image with every size its declaration or address gives, or null when it is no story image. */
function sized(image: StoryImage, baseUrl?: string): StoryImage | null {
  const url = absoluteUrl(image.url, baseUrl);
  if (!url || !/^https?:/i.test(url) || isDecorativeImageUrl(url)) return null;
  const size = knownSize({ ...(image.width === null ? {} : { width: image.width }), ...(image.height === null ? {} : { height: image.height }) }, url);
  if (isTooSmall(size)) return null;
  return { ...image, url, width: size.width ?? null, height: size.height ?? null };
}

/** The widest (by worth) of several images, the first among equals. */
function widest(images: readonly StoryImage[]): StoryImage | null {
  let best: StoryImage | null = null;
  for (const image of images) if (!best || worth(image) > worth(best)) best = image;
  return best;
}

/**
 * The story's image, chosen by size. The feed's own images come first (publishers choose them for
 * listings): the widest of them up to twice the email's width wins, so a 460 px variant beats a
 * 140 px one. The lead image the clean stage found (the first meaningful content image, else the
 * page's og:image) is used when the feed has none, or when the feed's is known to be narrower
 * than the email and the article's is wider. Pixels, icons, logos, avatars and anything under
 * 150 px — by declared size, or the size the address implies (`?s=30`, `-150x150.jpg`) — are never
 * story images. Only absolute http(s) URLs.
 */
export function selectImage(articleImage: StoryImage | null, options: SelectImageOptions = {}): StoryImage | null {
  const fromFeed = widest((options.feedImages ?? []).map((image) => sized(image, options.baseUrl)).filter((image): image is StoryImage => image !== null));
  const fromArticle = articleImage ? sized(articleImage) : null;
  if (!fromFeed) return fromArticle;
  if (fromArticle && fromFeed.width !== null && fromFeed.width < EMAIL_IMAGE_WIDTH && worth(fromArticle) > worth(fromFeed)) return fromArticle;
  return fromFeed;
}
