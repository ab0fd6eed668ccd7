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

/**
 * An item's <link> as publishers really write it: surrounded by whitespace or line breaks,
 * wrapped in an <a href> or angle brackets, two addresses in one element, or without a scheme
 * ("www.example.com/post", "example.com/2024/05/post"). The first thing in it that can be made an
 * absolute http(s) URL wins; a bare path still resolves against the base.
 */
export function resolveItemLink(text: string | undefined, base: string | undefined): string | undefined {
  const trimmed = text?.trim();
  if (!trimmed) return undefined;
  const href = /<a\b[^>]*\bhref\s*=\s*["']([^"']+)["']/i.exec(trimmed)?.[1];
  if (href) return resolveItemLink(href, base);
  const tokens = trimmed.replace(/^<|>$/g, '').split(/\s+/).filter(Boolean);
  // A link with spaces inside its path is one address, not several.
  const candidates = tokens.length > 1 && tokens.filter((token) => /^(?:https?:)?\/\/|^www\./i.test(token)).length > 1 ? tokens : [tokens.join('%20')];
  for (const candidate of candidates) {
    const withScheme = /^www\.|^(?:[a-z0-9-]+\.)+[a-z]{2,}\/\S*$/i.test(candidate) && !/^[a-z][a-z0-9+.-]*:/i.test(candidate) ? `https://${candidate}` : candidate;
    const url = resolveLink(withScheme, base);
    if (url) return url;
  }
  return undefined;
}
