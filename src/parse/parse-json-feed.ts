/**
 * JSON Feed 1.0 and 1.1 (https://www.jsonfeed.org/version/1.1/) into ParsedFeed.
 * 1.1 renamed `author` to `authors` (an array); both are read, item first, then the feed's.
 */
import { ParseError } from '../errors.js';
import type { ParsedFeed, RawItem } from '../types.js';
import { parseDate } from './parse-date.js';
import { resolveBase, resolveLink } from './resolve-url.js';
import { escapeXml } from './xml-nodes.js';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * True when parsed JSON is a JSON Feed: by its version URL, or — as lenient readers do for
 * feeds that write "version": "1.1" or none — by its shape (an items array plus a title or URL).
 */
export function isJsonFeed(data: unknown): data is Json {
  if (!isObject(data)) return false;
  const version = data.version;
  if (typeof version === 'string' && /^https?:\/\/jsonfeed\.org\/version\//i.test(version.trim())) return true;
  return Array.isArray(data.items) && (typeof data.title === 'string' || typeof data.feed_url === 'string' || typeof data.home_page_url === 'string');
}

export function parseJsonFeed(data: unknown, url: string): ParsedFeed {
  if (!isJsonFeed(data)) {
    throw new ParseError('PARSE_NOT_A_FEED', `The document at ${url} is JSON but not a JSON Feed (no "version": "https://jsonfeed.org/version/1…")`, {
      hint: 'Check that the URL points to the site’s feed rather than to some other JSON API.',
      context: { feed: url, format: 'json' },
    });
  }
  const base = resolveBase(undefined, url);
  const feed: ParsedFeed = { format: 'json', items: [] };
  const title = str(data.title);
  if (title) feed.title = title;
  const link = resolveLink(str(data.home_page_url), base);
  if (link) feed.link = link;
  const description = str(data.description);
  if (description) feed.description = description;
  const feedUrl = resolveLink(str(data.feed_url), base);
  if (feedUrl) feed.feedUrl = feedUrl;

  const feedAuthor = authorsOf(data);
  for (const entry of Array.isArray(data.items) ? data.items : []) {
    if (!isObject(entry)) continue;
    const item = jsonItem(entry, base, feedAuthor);
    if (item) feed.items.push(item);
  }
  return feed;
}

function jsonItem(entry: Json, base: string | undefined, feedAuthor: string | undefined): RawItem | undefined {
  const item: RawItem = {};
  const id = str(entry.id);
  if (id) item.guid = id;
  const link = resolveLink(str(entry.url), base) ?? resolveLink(str(entry.external_url), base);
  if (link) item.link = link;
  const title = str(entry.title);
  if (title) item.title = title;
  const html = str(entry.content_html);
  const text = str(entry.content_text);
  if (html) item.contentHtml = html;
  if (text) item.contentText = text;
  const summary = str(entry.summary);
  if (summary) item.summary = escapeXml(summary);
  const published = parseDate(entry.date_published);
  const updated = parseDate(entry.date_modified);
  if (published ?? updated) item.published = (published ?? updated)!;
  if (updated) item.updated = updated;
  const author = authorsOf(entry) ?? feedAuthor;
  if (author) item.author = author;
  const image = resolveLink(str(entry.image), base) ?? resolveLink(str(entry.banner_image), base) ?? imageAttachment(entry.attachments, base);
  if (image) item.image = image;
  if (Array.isArray(entry.tags)) {
    const tags = [...new Set(entry.tags.map(str).filter((tag): tag is string => tag !== undefined))];
    if (tags.length > 0) item.categories = tags;
  }
  if (base) item.baseUrl = base;
  if (Object.keys(item).every((key) => key === 'baseUrl')) return undefined;
  return item;
}

/** Names from 1.1 `authors` or 1.0 `author`; undefined when none. */
function authorsOf(source: Json): string | undefined {
  const list = Array.isArray(source.authors) ? source.authors : isObject(source.author) ? [source.author] : [];
  const names = list
    .filter(isObject)
    .map((author) => str(author.name) ?? str(author.url))
    .filter((name): name is string => name !== undefined);
  return names.length > 0 ? [...new Set(names)].join(', ') : undefined;
}

function imageAttachment(value: unknown, base: string | undefined): string | undefined {
  if (!Array.isArray(value)) return undefined;
  for (const attachment of value) {
    if (isObject(attachment) && typeof attachment.mime_type === 'string' && attachment.mime_type.startsWith('image/')) {
      const url = resolveLink(str(attachment.url), base);
      if (url) return url;
    }
  }
  return undefined;
}
