import { chooseFromSrcset, parseSrcset, type SrcsetCandidate } from './image-size.js';
import { queryAll } from './query-all.js';
/**
 * Makes every link and image in a content tree absolute and promotes lazy-loaded images, so the
 * cleaned HTML works inside an email, far from the page it came from.
 */

/** Attributes lazy-loading scripts keep the real image URL in. */
const LAZY_SRC = ['data-src', 'data-lazy-src', 'data-original', 'data-lazy', 'data-hi-res-src', 'data-full-src', 'data-url', 'data-original-src', 'data-actualsrc'];
const LAZY_SRCSET = ['data-srcset', 'data-lazy-srcset', 'srcset'];
/** A src that only holds a spinner or transparent placeholder while the real image loads. */
const PLACEHOLDER_SRC = /^data:|(?:^|[/_-])(?:blank|spacer|placeholder|lazy|loading|loader|transparent|pixel|grey|gray|1x1)[\w-]*\.(?:gif|png|svg|jpe?g)\b/i;

/**
 * Resolves `url` against `base`; protocol-relative URLs become https. Returns undefined for
 * URLs that cannot be made absolute (relative with no base, or malformed).
 */
export function absoluteUrl(url: string, base?: string): string | undefined {
  const trimmed = url.trim();
  if (trimmed === '') return undefined;
  try {
    if (trimmed.startsWith('//')) return new URL(`https:${trimmed}`).href;
    return new URL(trimmed, base).href;
  } catch {
    return undefined;
  }
}

/** The srcset candidate to use (see chooseFromSrcset), with its declared width when it has one. */
export function pickFromSrcset(srcset: string): SrcsetCandidate | undefined {
  const candidate = chooseFromSrcset(parseSrcset(srcset).filter((c) => !/^data:/i.test(c.url)));
  return candidate;
}

/**
 * Where the width of the file an img shows is kept once its srcset is gone (the sanitiser drops
 * data attributes, so it never reaches the email).
 */
export const INTRINSIC_WIDTH = 'data-intrinsic-width';

/** Gives an img its real src when a lazy-loading script kept it in a data attribute or srcset. */
export function promoteLazyImage(img: Element): void {
  const src = img.getAttribute('src')?.trim() ?? '';
  const needsSource = src === '' || PLACEHOLDER_SRC.test(src);
  for (const attribute of LAZY_SRC) {
    const value = img.getAttribute(attribute)?.trim();
    if (value && !/^data:/i.test(value) && (needsSource || attribute === 'data-hi-res-src')) {
      img.setAttribute('src', value);
      return;
    }
  }
  // A srcset that states widths is the best account of the picture's sizes: take the version
  // the email needs, and remember its width. Without widths, only a missing src is filled.
  const sets = [...LAZY_SRCSET.map((attribute) => img.getAttribute(attribute))];
  // <picture><source srcset> around the img.
  const picture = img.parentElement?.localName === 'picture' ? img.parentElement : null;
  for (const source of picture ? queryAll(picture, 'source') : []) sets.push(source.getAttribute('srcset') ?? source.getAttribute('data-srcset'));
  for (const value of sets) {
    const picked = value ? pickFromSrcset(value) : undefined;
    if (!picked || (!needsSource && picked.width === undefined)) continue;
    img.setAttribute('src', picked.url);
    if (picked.width !== undefined) img.setAttribute(INTRINSIC_WIDTH, String(picked.width));
    return;
  }
}

/**
 * Promotes lazy images and makes a[href] and img[src] absolute against `baseUrl`. Links that
 * cannot be made absolute (or are page anchors) become plain text; such images are removed.
 */
export function resolveUrls(root: Element, baseUrl?: string): void {
  for (const img of queryAll(root, 'img')) {
    promoteLazyImage(img);
    const src = img.getAttribute('src');
    const resolved = src ? absoluteUrl(src, baseUrl) : undefined;
    if (!resolved || !/^https?:/i.test(resolved)) {
      img.remove();
      continue;
    }
    img.setAttribute('src', resolved);
    img.removeAttribute('srcset');
    img.removeAttribute('sizes');
  }
  for (const link of queryAll(root, 'a')) {
    const href = link.getAttribute('href') ?? '';
    const resolved = /^\s*#/.test(href) ? undefined : /^\s*mailto:/i.test(href) ? href.trim() : absoluteUrl(href, baseUrl);
    if (resolved && /^(?:https?|mailto):/i.test(resolved)) link.setAttribute('href', resolved);
    else unwrap(link);
  }
}

/** Replaces an element with its children: a link without a usable href is just its text. */
function unwrap(element: Element): void {
  const parent = element.parentNode;
  if (!parent) return;
  while (element.firstChild) parent.insertBefore(element.firstChild, element);
  element.remove();
}
