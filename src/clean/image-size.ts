/**
 * What an image's address and markup say about its size, so the story image can be chosen by
 * size and never shown wider than it is. Sizes are CSS pixels of the file itself; anything not
 * stated or implied stays unknown (undefined), never guessed.
 */

export interface ImageSize {
  width?: number;
  height?: number;
}

/** YouTube's fixed thumbnail names (i.ytimg.com/vi/ID/hqdefault.jpg). */
const YOUTUBE_THUMBNAILS: Record<string, [number, number]> = {
  default: [120, 90],
  mqdefault: [320, 180],
  hqdefault: [480, 360],
  sddefault: [640, 480],
  maxresdefault: [1280, 720],
};
/** Hosts that serve avatars sized by `?s=` / `?size=`. */
const AVATAR_SERVICE = /(?:^|\.)(?:githubusercontent\.com|gravatar\.com|libravatar\.org|gitlab\.com|gitlab-static\.net|wp\.com)$/i;
/** Twitter/X profile image suffixes. */
const TWITTER_SUFFIXES: Record<string, number> = { mini: 24, normal: 48, bigger: 73, '200x200': 200, '400x400': 400 };

function positive(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  return Number.isFinite(number) && number > 0 && number < 100_000 ? Math.round(number) : undefined;
}

function both(width: string | undefined, height: string | undefined): ImageSize {
  const w = positive(width);
  const h = positive(height);
  return { ...(w === undefined ? {} : { width: w }), ...(h === undefined ? {} : { height: h }) };
}

/**
 * The size an image service or CMS writes into the address: WordPress `-1024x576.jpg` and
 * `?resize=1024,576`, `?w=800` / `?width=` / `?h=`, avatar services' `?s=30` (square), Cloudinary
 * `w_400`, Blogger `/s72-c/`, Google `=s1600` / `=w640-h360`, Wikimedia `/640px-`, YouTube and
 * Twitter/X thumbnail names. Empty when the address says nothing.
 */
export function sizeFromUrl(src: string): ImageSize {
  let url: URL;
  try {
    url = new URL(src, 'https://example.invalid/');
  } catch {
    return {};
  }
  const path = decodeURIComponentSafe(url.pathname);
  const file = path.slice(path.lastIndexOf('/') + 1);

  const youtube = /^(?:[a-z0-9-]+\.)?ytimg\.com$/i.test(url.hostname) ? /^(default|mqdefault|hqdefault|sddefault|maxresdefault)\.(?:jpe?g|webp)$/i.exec(file) : null;
  if (youtube) {
    const [width, height] = YOUTUBE_THUMBNAILS[youtube[1]!.toLowerCase()]!;
    return { width, height };
  }
  const twitter = /_(mini|normal|bigger|200x200|400x400)\.(?:jpe?g|png|gif|webp)$/i.exec(file);
  if (twitter && /twimg\.com$/i.test(url.hostname)) {
    const side = TWITTER_SUFFIXES[twitter[1]!.toLowerCase()]!;
    return { width: side, height: side };
  }

  const query = url.searchParams;
  const resize = /^(\d+)[,x](\d+)$/.exec(query.get('resize') ?? query.get('fit') ?? '');
  if (resize) return both(resize[1], resize[2]);
  const width = query.get('w') ?? query.get('width') ?? query.get('imwidth') ?? query.get('mw');
  const height = query.get('h') ?? query.get('height');
  if (width !== null || height !== null) {
    const size = both(width ?? undefined, height ?? undefined);
    if (size.width !== undefined || size.height !== undefined) return size;
  }
  // Avatar services size a square with ?s= (GitHub's feeds carry 30 px author avatars this way).
  const square = query.get('s') ?? query.get('size');
  if (square !== null && /^\d+$/.test(square) && AVATAR_SERVICE.test(url.hostname)) return both(square, square);

  // Dimensions written into the file name: "photo-1024x576.jpg", "photo_1024x576.jpg".
  const named = /[-_](\d{2,5})x(\d{2,5})(?:[-_@.][^/]*)?\.(?:jpe?g|png|gif|webp|avif)$/i.exec(file);
  if (named) return both(named[1], named[2]);
  const wikimedia = /^(\d{2,5})px-/.exec(file);
  if (wikimedia) return both(wikimedia[1], undefined);
  const cloudinary = /\/(?:[a-z]_[^/,]+,)*w_(\d+)(?:,[^/]*)?\//.exec(path);
  if (cloudinary) {
    const h = /\/(?:[^/]*,)?h_(\d+)(?:,[^/]*)?\//.exec(path);
    return both(cloudinary[1], h?.[1]);
  }
  const blogger = /\/s(\d{2,4})(?:-c)?\//.exec(path) ?? /\/w(\d{2,4})-h\d{2,4}(?:-[a-z]+)*\//.exec(path);
  if (blogger && /(?:bp\.blogspot\.com|googleusercontent\.com|blogger\.com)$/i.test(url.hostname)) {
    const h = /\/w\d{2,4}-h(\d{2,4})/.exec(path);
    return h ? both(blogger[1], h[1]) : /-c\//.test(blogger[0]) ? both(blogger[1], blogger[1]) : both(blogger[1], undefined);
  }
  const google = /=(?:s(\d+)|w(\d+)-h(\d+))(?:-[a-z0-9]+)*$/i.exec(path);
  if (google && /googleusercontent\.com$/i.test(url.hostname)) return google[1] ? both(google[1], undefined) : both(google[2], google[3]);
  const folder = /\/(\d{2,4})x(\d{2,4})\//.exec(path);
  if (folder) return both(folder[1], folder[2]);
  // Squarespace and others: a folder named for the width ("/1500w/").
  const widthFolder = /\/(\d{2,4})w\//.exec(path);
  if (widthFolder) return both(widthFolder[1], undefined);
  return {};
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export interface SrcsetCandidate {
  url: string;
  /** The "800w" descriptor: the file's width. */
  width?: number;
  /** The "2x" descriptor. */
  density?: number;
}

/** The candidates of a srcset attribute ("a.jpg 480w, b.jpg 800w" or "a.jpg 1x, b.jpg 2x"). */
export function parseSrcset(srcset: string): SrcsetCandidate[] {
  const candidates: SrcsetCandidate[] = [];
  // URLs may contain commas (Cloudinary, Imgix), so split on commas followed by whitespace or at
  // a descriptor's end.
  for (const part of srcset.split(/,\s+|,(?=\S+\s+\d)/)) {
    const [url, descriptor] = part.trim().split(/\s+/, 2) as [string, string | undefined];
    if (!url) continue;
    const width = descriptor && /^\d+w$/i.test(descriptor) ? positive(descriptor.slice(0, -1)) : undefined;
    const density = descriptor && /^\d+(?:\.\d+)?x$/i.test(descriptor) ? Number(descriptor.slice(0, -1)) : undefined;
    candidates.push({ url: url.replace(/,$/, ''), ...(width ? { width } : {}), ...(density ? { density } : {}) });
  }
  return candidates;
}

/** Widest the email shows an image (the 600 px layout less its margins), and twice that for sharp screens. */
export const EMAIL_IMAGE_WIDTH = 552;
const SHARP_WIDTH = EMAIL_IMAGE_WIDTH * 2;

/**
 * The srcset candidate to mail: the narrowest at least twice the email's width (sharp on
 * high-density screens without a needlessly large download), else the widest there is.
 */
export function chooseFromSrcset(candidates: SrcsetCandidate[]): SrcsetCandidate | undefined {
  const sized = candidates.filter((candidate) => candidate.width !== undefined);
  if (sized.length > 0) {
    const sharp = sized.filter((candidate) => candidate.width! >= SHARP_WIDTH).sort((a, b) => a.width! - b.width!);
    return sharp[0] ?? sized.sort((a, b) => b.width! - a.width!)[0];
  }
  return [...candidates].sort((a, b) => (b.density ?? 1) - (a.density ?? 1))[0];
}

/** Below this many pixels across (or down), an image is an icon, avatar or thumbnail, not a story image. */
export const MIN_STORY_IMAGE = 150;

/** Declared size first, then what the address implies. */
export function knownSize(declared: ImageSize, url: string): ImageSize {
  if (declared.width !== undefined && declared.height !== undefined) return declared;
  const implied = sizeFromUrl(url);
  const width = declared.width ?? implied.width;
  const height = declared.height ?? (declared.width === undefined || implied.width === declared.width ? implied.height : undefined);
  return { ...(width === undefined ? {} : { width }), ...(height === undefined ? {} : { height }) };
}

/** True when the size is known and too small for a story image. */
export function isTooSmall(size: ImageSize): boolean {
  return (size.width !== undefined && size.width < MIN_STORY_IMAGE) || (size.height !== undefined && size.height < MIN_STORY_IMAGE);
}
