/**
 * JSON Feed 1.0 and 1.1 (https://www.jsonfeed.org/version/1.1/) into ParsedFeed.
 * 1.1 renamed `author` to `authors` (an array); both are read, item first, then the feed's.
 */
import { ParseError } from '../errors.js';
import type { Enclosure, ItemWarning, ParsedFeed, RawItem, StoryImage } from '../types.js';
import { plainTextToHtml, plainTitle } from './feed-text.js';
import { parseDate } from './parse-date.js';
import { itemLabel } from './item-label.js';
import { resolveBase, resolveItemLink, resolveLink } from './resolve-url.js';

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
  const title = plainTitle(str(data.title), 'text');
  if (title) feed.title = title;
  const link = resolveLink(str(data.home_page_url), base);
  if (link) feed.link = link;
  const description = str(data.description);
  if (description) feed.description = description;
  const feedUrl = resolveLink(str(data.feed_url), base);
  if (feedUrl) feed.feedUrl = feedUrl;

  const feedAuthor = authorsOf(data);
  const warnings: ItemWarning[] = [];
  (Array.isArray(data.items) ? data.items : []).forEach((entry: unknown, index: number) => {
    if (!isObject(entry)) return;
    const problems: string[] = [];
    const item = jsonItem(entry, base, feedAuthor, (message) => problems.push(message));
    if (item) feed.items.push(item);
    for (const message of problems) warnings.push({ item: itemLabel(item, index), message });
  });
  if (warnings.length > 0) feed.warnings = warnings;
  return feed;
}

function jsonItem(entry: Json, base: string | undefined, feedAuthor: string | undefined, warn: (message: string) => void): RawItem | undefined {
  const item: RawItem = {};
  const id = str(entry.id);
  if (id) item.guid = id;
  const link = resolveItemLink(str(entry.url), base) ?? resolveItemLink(str(entry.external_url), base);
  if (link) item.link = link;
  const title = plainTitle(str(entry.title), 'text');
  if (title) item.title = title;
  const html = str(entry.content_html);
  const text = str(entry.content_text);
  if (html) item.contentHtml = html;
  if (text) item.contentText = text;
  const summary = str(entry.summary);
  if (summary) item.summary = plainTextToHtml(summary);
  const published = parseDate(entry.date_published);
  const updated = parseDate(entry.date_modified);
  if (published ?? updated) item.published = (published ?? updated)!;
  if (updated) item.updated = updated;
  const author = authorsOf(entry) ?? feedAuthor;
  if (author) item.author = author;
  const images = jsonImages(entry, base, warn);
  if (images.length > 0) item.images = images;
  const enclosure = mediaAttachment(entry.attachments, base);
  if (enclosure) item.enclosure = enclosure;
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

/** image, banner_image and image attachments; JSON Feed declares no sizes. */
function jsonImages(entry: Json, base: string | undefined, warn: (message: string) => void): StoryImage[] {
  const addresses = [entry.image, entry.banner_image];
  if (Array.isArray(entry.attachments)) {
    for (const attachment of entry.attachments) {
      if (isObject(attachment) && typeof attachment.mime_type === 'string' && attachment.mime_type.startsWith('image/')) addresses.push(attachment.url);
    }
  }
  const images: StoryImage[] = [];
  for (const address of addresses) {
    const text = str(address);
    if (!text) continue;
    const url = resolveLink(text, base);
    if (!url) warn(`its image address "${text.length > 80 ? `${text.slice(0, 77)}…` : text}" is not a usable http(s) URL; the story goes out without that image`);
    else if (!images.some((image) => image.url === url)) images.push({ url, width: null, height: null });
  }
  return images;
}

/** The first audio or video attachment (a podcast episode). */
function mediaAttachment(value: unknown, base: string | undefined): Enclosure | undefined {
  if (!Array.isArray(value)) return undefined;
  for (const attachment of value) {
    if (!isObject(attachment) || typeof attachment.mime_type !== 'string' || !/^(?:audio|video)\//i.test(attachment.mime_type)) continue;
    const url = resolveLink(str(attachment.url), base);
    if (url) return { url, type: attachment.mime_type.trim().toLowerCase() };
  }
  return undefined;
}
