/**
 * Image classification for cleaning and lead-image choice. Tracking pixels are removed from the
 * body outright; decorative images (icons, avatars, logos, spacers) stay in the body if the
 * sanitiser allows them but are never chosen as the story's image.
 */

/** Hosts and paths that serve analytics beacons or feed-proxy pixels, never content. */
const TRACKER_URL =
  /(?:^|[/.])(?:feeds\.feedburner\.com\/~r\/|feedproxy\.google\.com\/~r\/|feeds\.feedburner\.com\/~ff\/|pixel\.wp\.com|stats\.wp\.com|stats\.wordpress\.com|pixel\.quantserve\.com|b\.scorecardresearch\.com|sb\.scorecardresearch\.com|www\.google-analytics\.com|google-analytics\.com\/(?:collect|__utm)|ssl\.google-analytics\.com|www\.googletagmanager\.com|doubleclick\.net|googleadservices\.com|googlesyndication\.com|facebook\.com\/tr|analytics\.twitter\.com|t\.co\/i\/adsct|bat\.bing\.com|pixel\.facebook\.com|feedsportal\.com|rss\.feedsportal\.com|da\.feedsportal\.com|mf\.feeds\.reuters\.com|feeds\.washingtonpost\.com\/c\/|counter\.yadro\.ru|mc\.yandex\.ru|pixel\.mathtag\.com|ad\.doubleclick\.net|tracking\.|beacon\.|pixel\.|mailtrack|list-manage\.com\/track|links\.\w+\.com\/e\/open)/i;
const TRACKER_PATH =
  /(?:^|[/_-])(?:pixel|beacon|tracking|tracker|spacer|blank|transparent|1x1|clear)\.(?:gif|png|php|aspx?)\b|\/(?:pixel|beacon|1x1)(?:\/|\?|$)/i;
const DECORATIVE_CLASS =
  /(?:^|[-_\s])(?:avatar|avatars|gravatar|icon|icons|favicon|emoji|emojis|logo|logos|sprite|spinner|loader|loading|placeholder|badge|button|btn|rating|stars?|author|authors|profile|headshot|mugshot|wp-smiley|smiley|share|social|feed-icon|rss)(?:$|[-_\s]|\d)/i;
const DECORATIVE_PATH =
  /(?:^|[-_/.])(?:avatar|avatars|gravatar|icon|icons|favicon|emoji|emojis|logo|logos|sprite|spinner|loader|placeholder|badge|badges|button|btn|authors?|headshots?|wp-smiley|smilies|feed-icon|cta|ads|adserver|advert|adverts|sponsor|sponsors|promo|promos|tracking|pixel)(?:$|[-_/.]|\d)/i;

function numeric(value: string | null): number | undefined {
  if (value === null) return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:px)?\s*$/i.exec(value);
  return match ? Number(match[1]) : undefined;
}

function styleSize(style: string | null, property: 'width' | 'height'): number | undefined {
  if (!style) return undefined;
  const match = new RegExp(`(?:^|;)\\s*${property}\\s*:\\s*(\\d+(?:\\.\\d+)?)px`, 'i').exec(style);
  return match ? Number(match[1]) : undefined;
}

/** Declared width and height (attributes first, then inline style), when given. */
export function imageSize(img: Element): { width?: number; height?: number } {
  const style = img.getAttribute('style');
  const width = numeric(img.getAttribute('width')) ?? styleSize(style, 'width');
  const height = numeric(img.getAttribute('height')) ?? styleSize(style, 'height');
  return { ...(width === undefined ? {} : { width }), ...(height === undefined ? {} : { height }) };
}

/** A 1×1 (or 0×0, 2×2) beacon, or an image served by a known tracker. */
export function isTrackingImage(img: Element): boolean {
  const { width, height } = imageSize(img);
  if ((width !== undefined && width <= 2) || (height !== undefined && height <= 2)) return true;
  const style = img.getAttribute('style') ?? '';
  if (/display\s*:\s*none|visibility\s*:\s*hidden/i.test(style)) return true;
  const src = img.getAttribute('src') ?? '';
  if (src === '') return false;
  return TRACKER_URL.test(src) || TRACKER_PATH.test(src);
}

/** Hosts that only serve avatars and site icons. */
const AVATAR_HOST = /(?:^|\.)gravatar\.com$/i;
/** A width or height asked of an image service in the query string ("?w=20", "&height=16"). */
const QUERY_SIZE = /[?&](?:w|h|width|height)=(\d+)(?:&|$)/gi;

/**
 * Icons, avatars, logos, tracking beacons and tiny thumbnails judged by the URL alone: for
 * images known only by address (og:image, a feed's enclosure), and for <img>s besides their
 * attributes.
 */
export function isDecorativeImageUrl(src: string): boolean {
  if (src === '' || /^data:/i.test(src)) return true;
  if (TRACKER_URL.test(src) || TRACKER_PATH.test(src)) return true;
  if (/\.(?:svg|ico)(?:[?#]|$)/i.test(src)) return true;
  let url: URL | undefined;
  try {
    url = new URL(src, 'https://example.invalid/');
  } catch {
    // An unparseable src is judged by its text; the sanitiser drops it later.
  }
  if (url && AVATAR_HOST.test(url.hostname)) return true;
  for (const match of (url?.search ?? '').matchAll(QUERY_SIZE)) {
    if (Number(match[1]) < 80) return true;
  }
  return DECORATIVE_PATH.test(url?.pathname ?? src);
}

/** Icons, avatars, logos, emoji, spacers: images that are not the story's picture. */
export function isDecorativeImage(img: Element): boolean {
  if (isTrackingImage(img)) return true;
  const { width, height } = imageSize(img);
  if ((width !== undefined && width < 100) || (height !== undefined && height < 80)) return true;
  const src = img.getAttribute('src') ?? '';
  // GIFs without a declared size are mostly spinners, spacers and badges.
  if (/\.gif(?:[?#]|$)/i.test(src) && (width === undefined || height === undefined)) return true;
  const hints = `${img.getAttribute('class') ?? ''} ${img.getAttribute('id') ?? ''}`;
  if (DECORATIVE_CLASS.test(hints)) return true;
  return isDecorativeImageUrl(src);
}
