/**
 * URL resolution for feed content: relative links against xml:base and the feed's own URL.
 * Only http(s) results are kept — and file: for feeds that are local files themselves — so a
 * `javascript:` link or xml:base from a hostile feed simply disappears.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The base for resolving inside a document at `url` (an absolute path becomes a file: URL). */
function asBase(url: string | undefined): URL | undefined {
  if (!url) return undefined;
  if (!/^[a-z][a-z0-9+.-]*:/i.test(url) && path.isAbsolute(url)) return pathToFileURL(url);
  try {
    const parsed = new URL(url);
    return isAllowed(parsed, parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function isAllowed(url: URL, base: URL | undefined): boolean {
  if (url.protocol === 'http:' || url.protocol === 'https:') return true;
  return url.protocol === 'file:' && base?.protocol === 'file:';
}

/**
 * Applies an xml:base (possibly relative) to the inherited base; an unusable xml:base is ignored.
 * With no `href`, normalises `base` itself.
 */
export function resolveBase(href: string | undefined, base: string | undefined): string | undefined {
  const parent = asBase(base);
  const trimmed = href?.trim();
  if (!trimmed) return parent?.href;
  try {
    const url = new URL(trimmed, parent);
    return isAllowed(url, parent ?? url) ? url.href : parent?.href;
  } catch {
    return parent?.href;
  }
}

/** An absolute http(s) URL for a link, or undefined when it cannot be made one. */
export function resolveLink(href: string | undefined, base: string | undefined): string | undefined {
  const trimmed = href?.trim();
  if (!trimmed) return undefined;
  const parent = asBase(base);
  try {
    const url = new URL(trimmed, parent);
    return isAllowed(url, parent) ? url.href : undefined;
  } catch {
    return undefined;
  }
}
