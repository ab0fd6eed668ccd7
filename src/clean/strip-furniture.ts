import { comparableText } from '../text/compare-text.js';
import { isCaptionText, isCreditLine, isFurnitureText } from '../text/is-furniture-text.js';
import { isTrackingImage } from './is-tracking-image.js';
import { normalizeText } from '../text/plain-text.js';
import { queryAll } from './query-all.js';

/**
 * Removes page furniture from a content tree in place, using the structure the DOM gives:
 * elements that can never be article text, elements whose class/id/role say what they are
 * (share, related, comments, ads, newsletter…), tracking pixels, blocks whose whole text is a
 * furniture line, and the link lists that follow a "Related"/"Read more" heading.
 */

/** Elements that never carry article text in an email. */
const NEVER_CONTENT_TAGS = new Set([
  'script', 'style', 'noscript', 'template', 'iframe', 'object', 'embed', 'applet', 'form', 'input', 'textarea', 'select',
  'option', 'button', 'label', 'fieldset', 'nav', 'aside', 'footer', 'svg', 'canvas', 'map', 'link', 'meta', 'dialog', 'menu',
]);
const NEVER_CONTENT_ROLES = new Set(['navigation', 'complementary', 'dialog', 'banner', 'contentinfo', 'search', 'menu', 'menubar', 'alert', 'alertdialog']);

function isNeverContent(element: Element): boolean {
  if (NEVER_CONTENT_TAGS.has(element.localName)) return true;
  if (element.hasAttribute('hidden')) return true;
  const role = element.getAttribute('role');
  if (role && NEVER_CONTENT_ROLES.has(role.toLowerCase())) return true;
  if (element.getAttribute('aria-hidden') === 'true' && !/^(?:img|picture|figure)$/.test(element.localName)) return true;
  return false;
}

/** Elements of `root` matching `test`, outermost only (a match's descendants are not visited). */
function collectOutermost(root: Element, test: (element: Element) => boolean, into: Element[] = []): Element[] {
  for (let child = root.firstElementChild; child; child = child.nextElementSibling) {
    if (test(child)) into.push(child);
    else collectOutermost(child, test, into);
  }
  return into;
}

/**
 * Class/id tokens (split on -, _ and spaces) of furniture containers. A token must match whole,
 * so "ad" catches `ad-slot` and `top_ad` but not `head` or `load-more`.
 */
const FURNITURE_TOKEN =
  /^(?:ad|ads|adv|advert|adverts|advertisement|advertising|adsbygoogle|adslot|adunit|adbox|adwrap|adwrapper|adcontainer|dfp|sponsor|sponsored|sponsors|promo|promos|promotion|promoted|share|shares|sharing|sharedaddy|sharethis|addtoany|a2a|social|socials|socialmedia|related|relatedposts|recommended|recommendations|comment|comments|commentlist|respond|replies|newsletter|newsletters|subscribe|subscription|subscriptions|signup|cookie|cookies|consent|gdpr|popup|modal|outbrain|taboola|feedflare|jp|yarpp|disqus|breadcrumb|breadcrumbs|navigation|nav|navbar|menu|sidebar|widget|widgets|footer|follow|paywall|trending|byline|bylines|dateline|tags|tagcloud|toolbar|skip|screen|sr|visually|pagination|pager|print|highlights)$/i;
/** Whole class/id values that the token test would miss or must not split. */
const FURNITURE_NAME =
  /^(?:entry-meta|post-meta|article-meta|author-bio|author-box|about-author|author-info|post-author|read-more|more-stories|most-popular|popular-posts|post-navigation|nav-links|wp-block-buttons|jp-relatedposts|yarpp-related|crp_related|screen-reader-text|sr-only|visually-hidden|wp-caption-text-credit|image-credit|photo-credit|credit|credits|inline-related|story-related|related-links|article-tools|social-links|share-tools|in-article-promo|post-tags|entry-tags|entry-footer|post-footer|comment-respond|comments-area|comment-form)$/i;
/** Tokens that look like furniture but are how content wrappers are commonly named. */
const CONTENT_NAME = /(?:^|[-_])(?:content|body|article|entry|post|story|text|main)(?:$|[-_])/i;

function hasFurnitureHint(element: Element): boolean {
  const names = `${element.getAttribute('class') ?? ''} ${element.getAttribute('id') ?? ''}`.trim();
  if (names === '') return false;
  for (const name of names.split(/\s+/)) {
    if (FURNITURE_NAME.test(name)) return true;
    // "entry-content-share" is furniture, "post-content" is not: only content-like names whose
    // furniture token comes last are still furniture.
    const tokens = name.split(/[-_]+/).filter(Boolean);
    if (tokens.some((token) => FURNITURE_TOKEN.test(token))) {
      const last = tokens[tokens.length - 1] ?? '';
      if (!CONTENT_NAME.test(name) || FURNITURE_TOKEN.test(last)) return true;
    }
  }
  return false;
}

/** Block-level elements whose whole text can be tested as one furniture line. */
const LINE_BLOCKS = 'p, div, section, li, h1, h2, h3, h4, h5, h6, span, strong, em, b, figcaption, dt, dd, td, th, blockquote, small, header, center';
const RELATED_HEADING =
  /^(?:related|related (?:posts?|articles?|stories|coverage|content|news|reading|links)|read more|read next|more (?:stories|news|from .{1,40}|on this(?: story| topic)?)|recommended(?: for you| reading| stories)?|you (?:may|might) also (?:like|enjoy)|see also|also read|further reading|trending(?: now)?|most (?:read|popular|viewed)|popular (?:posts|stories)|what to read next|don'?t miss)[:.…]*$/i;

/**
 * Visible-character counts (whitespace excluded) of every element under `root`, in one pass.
 * Cheap upper bounds that spare the loops below from reading the text of big containers.
 */
function measureText(root: Element): Map<Element, number> {
  const sizes = new Map<Element, number>();
  const visit = (element: Element): number => {
    let size = 0;
    for (let child = element.firstChild; child; child = child.nextSibling) {
      if (child.nodeType === 3) {
        const text = child.textContent ?? '';
        for (let index = 0; index < text.length; index += 1) if (text.charCodeAt(index) > 32) size += 1;
      } else if (child.nodeType === 1) size += visit(child as Element);
    }
    sizes.set(element, size);
    return size;
  };
  visit(root);
  return sizes;
}

/** Count of non-whitespace characters under `root`, without building its text. */
function visibleLength(root: Node): number {
  let size = 0;
  for (let child = root.firstChild; child; child = child.nextSibling) {
    if (child.nodeType === 3) {
      const text = child.textContent ?? '';
      for (let index = 0; index < text.length; index += 1) if (text.charCodeAt(index) > 32) size += 1;
    } else if (child.nodeType === 1) size += visibleLength(child);
  }
  return size;
}

function textOf(node: Node): string {
  return normalizeText(node.textContent ?? '');
}

/** Share of the element's text that sits inside links (0 when it has no text). */
export function linkDensity(element: Element): number {
  const total = textOf(element).length;
  if (total === 0) return 0;
  let linked = 0;
  for (const link of queryAll(element, 'a')) linked += textOf(link).length;
  return linked / total;
}

/** True when the node is a "line" on its own: nothing but breaks or blocks around it. */
function standsAlone(node: Node): boolean {
  const isBoundary = (sibling: Node | null): boolean => {
    if (!sibling) return true;
    if (sibling.nodeType !== 1) return false;
    return /^(?:br|p|div|section|ul|ol|li|h[1-6]|blockquote|figure|table|hr|header)$/.test((sibling as Element).localName);
  };
  return isBoundary(previousMeaningful(node)) && isBoundary(nextMeaningful(node));
}

function previousMeaningful(node: Node): Node | null {
  let sibling = node.previousSibling;
  while (sibling && sibling.nodeType === 3 && (sibling.textContent ?? '').trim() === '') sibling = sibling.previousSibling;
  while (sibling && sibling.nodeType === 8) sibling = sibling.previousSibling;
  return sibling;
}

function nextMeaningful(node: Node): Node | null {
  let sibling = node.nextSibling;
  while (sibling && sibling.nodeType === 3 && (sibling.textContent ?? '').trim() === '') sibling = sibling.nextSibling;
  while (sibling && sibling.nodeType === 8) sibling = sibling.nextSibling;
  return sibling;
}

function collectTextNodes(root: Node, into: Node[]): Node[] {
  for (let child = root.firstChild; child; child = child.nextSibling) {
    if (child.nodeType === 3) into.push(child);
    else if (child.nodeType === 1) collectTextNodes(child, into);
  }
  return into;
}

export interface StripFurnitureOptions {
  /** The article title: a heading repeating it at the top of the body is removed. */
  title?: string;
}

/**
 * Removes elements that never carry article text (scripts, forms, navigation, asides, hidden
 * elements…). A form or other wrapper holding most of the text stays: some sites (ASP.NET
 * WebForms among them) wrap the whole page in a <form>.
 */
export function removeNeverContent(root: Element): void {
  const found = collectOutermost(root, isNeverContent);
  if (found.length === 0) return;
  let total: number | undefined;
  for (const element of found) {
    if (/^(?:form|aside|footer|fieldset|label|menu)$/.test(element.localName)) {
      total ??= visibleLength(root);
      const own = visibleLength(element);
      if (own >= 200 && own > total * 0.4) {
        // Kept as a wrapper: what it wraps is still examined.
        removeNeverContent(element);
        continue;
      }
    }
    element.remove();
  }
}

/** Removes furniture from `root` (kept itself) in place. */
export function stripFurniture(root: Element, options: StripFurnitureOptions = {}): void {
  removeNeverContent(root);
  for (const comment of collectComments(root, [])) comment.parentNode?.removeChild(comment);

  for (const img of queryAll(root, 'img')) {
    if (isTrackingImage(img)) removeWithEmptyWrapper(img, root);
  }

  // Containers named as furniture. A container holding most of the text is a badly named
  // wrapper, not furniture, so it stays (its furniture children are still examined).
  let sizes = measureText(root);
  const size = (element: Element | null): number => (element ? (sizes.get(element) ?? 0) : 0);
  const totalText = size(root);
  for (const element of queryAll(root, '[class], [id]')) {
    if (element.localName === 'img' || !hasFurnitureHint(element) || !root.contains(element)) continue;
    // A link inside running text keeps its words even when its class says "tag" or "share".
    if (element.localName === 'a' && element.parentElement && size(element.parentElement) > size(element) + 3) continue;
    const share = totalText === 0 ? 0 : size(element) / totalText;
    if (share > 0.4 && totalText > 500) continue;
    element.remove();
  }

  // "Related" / "Read more" headings and the link lists after them.
  for (const element of queryAll(root, 'h1, h2, h3, h4, h5, h6, p, div, strong, span, b')) {
    if (size(element) > 60 || !root.contains(element)) continue;
    const text = textOf(element);
    if (text.length > 60 || !RELATED_HEADING.test(text)) continue;
    const inline = element.localName === 'strong' || element.localName === 'span' || element.localName === 'b';
    const block = inline ? element.parentElement : element;
    // "<p><strong>Related:</strong> <a>Story</a></p>" is one furniture line, left to the line test below.
    if (inline && (!block || block === root || textOf(block) !== text)) continue;
    let next = block ? nextElement(block) : null;
    while (next && /^(?:ul|ol|div|section|p)$/.test(next.localName) && next.querySelector('a') && linkDensity(next) > 0.5) {
      const after = nextElement(next);
      next.remove();
      next = after;
    }
    (block ?? element).remove();
  }

  // Blocks whose whole text is a furniture line ("— Advertisement —", "Share this:", …),
  // innermost first so a wrapper with real text around a furniture line keeps that text.
  const blocks = queryAll(root, LINE_BLOCKS);
  for (let index = blocks.length - 1; index >= 0; index -= 1) {
    const block = blocks[index];
    // Sizes were measured before the removals above, so they are upper bounds.
    if (!block || size(block) > 300 || !root.contains(block)) continue;
    const text = textOf(block);
    if (text.length > 300) continue;
    // An inline element is one line only when nothing else shares its line: the "Related:" of
    // "<p><strong>Related:</strong> <a>…</a></p>" is judged with its paragraph.
    if (/^(?:span|strong|em|b|small)$/.test(block.localName) && block.parentElement && block.parentElement !== root && textOf(block.parentElement) !== text) continue;
    if (text === '') continue;
    if (isFurnitureText(text) || (block.localName === 'p' && isCaptionText(text))) {
      block.remove();
    } else if (isCreditLine(text) && /^(?:p|div|span|small|figcaption)$/.test(block.localName)) {
      // A caption set as a paragraph right before its credit goes with it.
      const caption = block.previousElementSibling;
      if (caption && caption.localName === 'p' && textOf(caption).split(' ').length <= 80) caption.remove();
      block.remove();
    }
  }
  // Loose lines of text between <br>s or blocks ("Please enter your comment!<br>…").
  for (const node of collectTextNodes(root, [])) {
    const text = normalizeText(node.textContent ?? '');
    if (text === '' || text.length > 300) continue;
    if (node.parentElement && node.parentElement !== root && /^(?:a|strong|em|b|i|span)$/.test(node.parentElement.localName)) continue;
    if (standsAlone(node) && isFurnitureText(text)) node.parentNode?.removeChild(node);
  }

  if (options.title) removeRepeatedTitle(root, options.title);
  sizes = measureText(root);
  removeEmptyBlocks(root, sizes);
}

function collectComments(root: Node, into: Node[]): Node[] {
  for (let child = root.firstChild; child; child = child.nextSibling) {
    if (child.nodeType === 8) into.push(child);
    else if (child.nodeType === 1) collectComments(child, into);
  }
  return into;
}

function nextElement(element: Element): Element | null {
  return element.nextElementSibling;
}

/** Removes the image and any link or figure that held nothing else. */
function removeWithEmptyWrapper(img: Element, root: Element): void {
  let target: Element = img;
  let parent = img.parentElement;
  while (parent && parent !== root && /^(?:a|span|p|div|figure|picture)$/.test(parent.localName) && textOf(parent) === '' && queryAll(parent, 'img').length === 1) {
    target = parent;
    parent = parent.parentElement;
  }
  target.remove();
}


function removeRepeatedTitle(root: Element, title: string): void {
  const wanted = comparableText(title);
  if (wanted === '') return;
  for (const heading of queryAll(root, 'h1, h2')) {
    if (comparableText(heading.textContent ?? '') === wanted) {
      heading.remove();
      return;
    }
  }
}

function removeEmptyBlocks(root: Element, sizes: Map<Element, number>): void {
  const candidates = queryAll(root, 'p, div, section, span, li, ul, ol, figure, blockquote, h1, h2, h3, h4, h5, h6, a, strong, em, b, i');
  for (let index = candidates.length - 1; index >= 0; index -= 1) {
    const element = candidates[index];
    if (!element || (sizes.get(element) ?? 0) > 0 || !root.contains(element)) continue;
    if (element.querySelector('img, picture, video, audio, hr, table, br')) continue;
    element.remove();
  }
}
