import { hash } from 'node:crypto';
import type { RawItem } from '../types.js';

/** Query parameters that only track where a click came from; they never change the page. */
const TRACKING_PARAMS = /^(utm_[a-z_]+|fbclid|gclid|dclid|gclsrc|msclkid|mc_cid|mc_eid|igshid|yclid|_hsenc|_hsmi|mkt_tok|ref|ref_src|ref_url|cmpid|ncid|sr_share|spm|at_medium|at_campaign|rss|ito|soc_src|soc_trk|__twitter_impression|oly_anon_id|oly_enc_id|vero_id|wt_mc|wt\.mc_id)$/i;

/**
 * A URL reduced to what identifies the page: scheme and `www.` folded, tracking parameters,
 * fragments, default ports and trailing slashes removed, remaining parameters sorted.
 * Returns undefined for something that is not an absolute http(s) URL.
 */
export function canonicalUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const host = url.hostname.toLowerCase().replace(/^www\d?\./, '');
  const params = [...url.searchParams.entries()]
    .filter(([key]) => !TRACKING_PARAMS.test(key))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const query = params.length ? '?' + new URLSearchParams(params).toString() : '';
  let pathname = url.pathname.replace(/\/{2,}/g, '/');
  if (pathname.length > 1) pathname = pathname.replace(/\/$/, '');
  const port = url.port && url.port !== '80' && url.port !== '443' ? `:${url.port}` : '';
  return `${host}${port}${pathname}${query}`;
}

function sha1(text: string): string {
  // crypto.hash: the one-shot form, much cheaper than createHash for a short text.
  return hash('sha1', text, 'hex');
}

/**
 * A guid is trusted when it is specific: not empty, not the feed's own address or home page,
 * and not a bare number or word shared by many feeds (those are scoped to the feed anyway).
 */
function trustworthyGuid(guid: string | undefined, feedUrl: string): string | undefined {
  const value = guid?.trim();
  if (!value || value.length > 2000) return undefined;
  if (value === feedUrl) return undefined;
  if (!/^https?:/i.test(value)) return value; // most guids are not URLs: no parsing needed
  const canonical = canonicalUrl(value);
  if (canonical && canonical === canonicalFeedUrl(feedUrl)) return undefined;
  if (canonical && /^[^/]+\/?$/.test(canonical)) return undefined; // a bare home page
  return value;
}

// Every item of a feed compares its guid with the same feed URL: parse that once.
let lastFeed: { url: string; canonical: string | undefined } | undefined;
function canonicalFeedUrl(feedUrl: string): string | undefined {
  if (lastFeed?.url !== feedUrl) lastFeed = { url: feedUrl, canonical: canonicalUrl(feedUrl) };
  return lastFeed.canonical;
}

/**
 * The stable identity of an item: its guid where that is trustworthy (scoped to the feed, as the
 * RSS spec scopes it), else its canonical URL, else a hash of its title and content.
 */
export function itemId(item: RawItem, feedUrl: string): string {
  // A run asks for each item's id several times (seen?, chosen?, recorded): work it out once.
  const known = ids.get(item);
  if (known?.feedUrl === feedUrl) return known.id;
  const id = workOutId(item, feedUrl);
  ids.set(item, { feedUrl, id });
  return id;
}

const ids = new WeakMap<RawItem, { feedUrl: string; id: string }>();

function workOutId(item: RawItem, feedUrl: string): string {
  const guid = trustworthyGuid(item.guid, feedUrl);
  if (guid) return `guid:${sha1(`${feedUrl}\n${guid}`).slice(0, 24)}`;
  const url = canonicalUrl(item.link);
  if (url) return `url:${sha1(url).slice(0, 24)}`;
  const body = item.contentHtml ?? item.contentText ?? item.summary ?? '';
  return `hash:${sha1(`${feedUrl}\n${item.title ?? ''}\n${body}`).slice(0, 24)}`;
}

/**
 * The identity of a feed in the state: its `key` (a local file's path relative to the config's
 * folder) or else its URL. Never an absolute path that changes when the project moves, unless the
 * config wrote one.
 */
export function feedKey(source: { url: string; key?: string | undefined }): string {
  return source.key ?? source.url;
}

/** A title reduced for "same story" comparison across feeds. */
export function titleKey(title: string | undefined): string {
  return (title ?? '')
    .normalize('NFKD')
    .toLowerCase()
    .replace(/<[^>]*>/g, ' ')
    .replace(/&[a-z#0-9]+;/g, ' ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
