/**
 * RSS 0.9x / 1.0 (RDF) / 2.0 and Atom 0.3 / 1.0 into ParsedFeed, through rss-parser's
 * `parseString` (xml2js + sax underneath).
 *
 * rss-parser finds the channel and items and tells the formats apart; the fields themselves are
 * read from raw xml2js nodes (the feed's requested with `customFields`, keepArray; each item's
 * copied by our own item builders, which replace rss-parser's), because rss-parser's own mapping
 * drops attributes (xml:base, Atom content types, media:* URLs), throws on a few real-world
 * shapes (an invalid Atom date: `new Date(x).toISOString()`; a `<link>` without attributes) and
 * makes a plain-text snippet of every article that nothing reads. The feed-level shapes are
 * defused by wrapping its feed builders.
 *
 * Before parsing, the text is rewritten in three line-preserving ways:
 * - prepare-xml removes the DOCTYPE and refuses entity bombs;
 * - namespace prefixes bound to well-known URIs are renamed to the prefixes rss-parser expects
 *   (`<a:feed xmlns:a="http://www.w3.org/2005/Atom">` → `<feed>`);
 * - inline XHTML content (Atom type="xhtml", Atom 0.3 mode="xml") becomes escaped HTML, since
 *   xml2js groups children by name and would scramble mixed text and markup.
 * When sax rejects stray ampersands or unknown entities, the parse is retried once or twice
 * with them escaped, as feed readers generally do.
 */
import Parser from 'rss-parser';

import { ParseError } from '../errors.js';
import type { FeedFormat, ItemWarning, ParsedFeed, RawItem } from '../types.js';
import { itemEnclosure, itemImages, type WarnFn } from './feed-media.js';
import { itemLabel } from './item-label.js';
import { plainTextToHtml, plainTitle } from './feed-text.js';
import { parseDate } from './parse-date.js';
import { prepareXml, replaceOutsideCdata } from './prepare-xml.js';
import type { PreparedXml } from './prepare-xml.js';
import { resolveBase, resolveItemLink, resolveLink } from './resolve-url.js';
import { attr, escapeXml, firstNode, firstText, hasChildren, innerXml, isElement, nodes, textOf } from './xml-nodes.js';
import type { XmlElement } from './xml-nodes.js';

const ITEM_FIELDS = [
  '$', 'title', 'link', 'guid', 'id', 'description', 'summary', 'content', 'content:encoded', 'xhtml:body',
  'pubDate', 'dc:date', 'published', 'updated', 'issued', 'modified', 'created', 'dcterms:modified',
  'author', 'dc:creator', 'itunes:author', 'category', 'dc:subject', 'enclosure',
  'media:content', 'media:thumbnail', 'media:group', 'itunes:image', 'source',
  'dc:title', 'itunes:title', 'media:title', 'dc:description', 'itunes:summary', 'itunes:subtitle', 'media:description',
  // Newspapers' own picture elements (livemint: <thumbnail>, <image>, <bigimage> holding a URL).
  'image', 'thumbnail', 'bigimage', 'largeimage', 'smallimage',
];
const FEED_FIELDS = [
  '$', 'title', 'link', 'description', 'subtitle', 'tagline', 'updated', 'modified', 'lastBuildDate', 'pubDate',
  'dc:date', 'author',
];

/** Namespace URI → the prefix rss-parser looks for ('' = unprefixed). */
const CANONICAL_PREFIXES: Record<string, string> = {
  'http://www.w3.org/2005/atom': 'atom',
  'http://purl.org/atom/ns#': 'atom',
  'http://purl.org/rss/1.0/': '',
  'http://backend.userland.com/rss2': '',
  'http://backend.userland.com/rss': '',
  'http://blogs.law.harvard.edu/tech/rss': '',
  'http://my.netscape.com/rdf/simple/0.9/': '',
  'http://www.w3.org/1999/02/22-rdf-syntax-ns#': 'rdf',
  'http://purl.org/rss/1.0/modules/content/': 'content',
  'http://purl.org/dc/elements/1.1/': 'dc',
  'http://purl.org/dc/terms/': 'dcterms',
  'http://search.yahoo.com/mrss/': 'media',
  'http://search.yahoo.com/mrss': 'media',
  'http://www.itunes.com/dtds/podcast-1.0.dtd': 'itunes',
  'http://www.w3.org/1999/xhtml': 'xhtml',
};
const ATOM_NAMESPACES = new Set(['http://www.w3.org/2005/atom', 'http://purl.org/atom/ns#']);

type Raw = Record<string, unknown>;

interface RssParserInternals {
  parseItemRss(xmlItem: unknown): Raw;
  parseItemAtom(entry: unknown): Raw;
  buildAtomFeed(xmlObj: Raw): Raw;
  buildRSS2(xmlObj: Raw): Raw;
  buildRSS0_9(xmlObj: Raw): Raw;
  buildRSS1(xmlObj: Raw): Raw;
}

export async function parseXmlFeed(text: string, url: string, prepared: PreparedXml = prepareXml(text, url)): Promise<ParsedFeed> {
  const rootLocal = localName(prepared.rootName ?? '');
  const prefixes = prefixRenames(prepared.xml, rootLocal);
  let xml = inlineXhtmlToHtml(prepared.xml).trimEnd();
  let output: Raw;
  for (let pass = 0; ; pass++) {
    try {
      output = (await createParser(prefixes).parseString(xml)) as unknown as Raw;
      break;
    } catch (error) {
      if (error instanceof ParseError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      if (pass < 3 && /entity/i.test(message)) {
        const escaped = escapeLooseAmpersands(xml, /Invalid character entity/.test(message));
        if (escaped !== xml) {
          xml = escaped;
          continue;
        }
      }
      // A root end tag cut short by its last ">" is the only truncation repaired: nothing is lost.
      if (/Unclosed root tag/.test(message) && prepared.rootName) {
        const repaired = xml.replace(new RegExp(`(</${escapeRegExp(prepared.rootName)}\\s*)$`), '$1>');
        if (repaired !== xml) {
          xml = repaired;
          continue;
        }
      }
      throw classify(error, message, url, prepared);
    }
  }

  const format = formatOf(rootLocal);
  return buildFeed(output, format, url, prepared.xml.slice(prepared.rootIndex ?? 0, (prepared.rootIndex ?? 0) + 4096));
}

function createParser(renames: Map<string, string>): Parser {
  const keep = (names: string[]) => names.map((name) => [name, `x:${name}`, { keepArray: true }]);
  const parser = new Parser({
    defaultRSS: 2,
    xml2js: renames.size > 0 ? { tagNameProcessors: [(name: string) => renameTag(name, renames)] } : {},
    customFields: { feed: keep(FEED_FIELDS) } as unknown as Parser.CustomFields<Raw, Raw>,
  });
  const internals = parser as unknown as RssParserInternals;

  // Each item's raw nodes (ITEM_FIELDS) are copied as they are, instead of rss-parser's reading of
  // the item, which nothing uses and which costs a sixth of the parse: a plain-text snippet of the
  // whole article (tags stripped, entities decoded) and ISO dates (new Date(published)
  // .toISOString(), which throws on a bad date in Atom).
  internals.parseItemRss = (xmlItem) => rawItemFields(xmlItem);
  internals.parseItemAtom = (entry) => {
    const item = rawItemFields(entry);
    if (isElement(entry)) item['x:link'] = safeLinks(entry.link);
    return item;
  };
  const buildAtomFeed = internals.buildAtomFeed.bind(parser);
  internals.buildAtomFeed = (xmlObj) => {
    const feed = xmlObj.feed;
    if (!isElement(feed)) return buildAtomFeed(xmlObj);
    return buildAtomFeed({ ...xmlObj, feed: { ...feed, link: safeLinks(feed.link) } });
  };
  // An <rss> or <rdf:RDF> without a channel is an empty feed, not a crash inside rss-parser.
  for (const name of ['buildRSS2', 'buildRSS0_9'] as const) {
    const build = internals[name].bind(parser);
    internals[name] = (xmlObj) => (isElement(xmlObj.rss) && firstNode(xmlObj.rss.channel) !== undefined ? build(xmlObj) : { items: [] });
  }
  const buildRSS1 = internals.buildRSS1.bind(parser);
  internals.buildRSS1 = (xmlObj) => {
    const rdf = xmlObj['rdf:RDF'];
    return isElement(rdf) && firstNode(rdf.channel) !== undefined ? buildRSS1(xmlObj) : { items: [] };
  };
  return parser;
}

/** An item's nodes named in ITEM_FIELDS, under `x:<name>`, each as xml2js's list of elements. */
function rawItemFields(node: unknown): Raw {
  const item: Raw = {};
  if (!isElement(node)) return item;
  for (const name of ITEM_FIELDS) {
    const value = node[name];
    if (value !== undefined) item[`x:${name}`] = value;
  }
  return item;
}

/** Atom links as rss-parser can read them: elements with attributes (a bare-text link gets href). */
function safeLinks(value: unknown): unknown[] {
  return nodes(value).flatMap((link) => {
    if (typeof link === 'string') return link.trim() ? [{ $: { href: link.trim() } }] : [];
    return isElement(link) && isElement(link.$) ? [link] : [];
  });
}

// ---------------------------------------------------------------- text rewrites before parsing

function localName(qualified: string): string {
  return qualified.slice(qualified.indexOf(':') + 1);
}

/** Prefix → canonical prefix, for declared prefixes of well-known namespaces that differ. */
function prefixRenames(xml: string, rootLocal: string): Map<string, string> {
  const renames = new Map<string, string>();
  const isAtomRoot = rootLocal === 'feed';
  for (const match of xml.matchAll(/\bxmlns:([A-Za-z_][\w.-]*)\s*=\s*["']([^"']*)["']/g)) {
    const [, prefix, uri] = match as unknown as [string, string, string];
    if (renames.has(prefix)) continue;
    const key = uri.trim().toLowerCase();
    let canonical = CANONICAL_PREFIXES[key];
    if (canonical === undefined) continue;
    if (ATOM_NAMESPACES.has(key) && isAtomRoot) canonical = '';
    if (canonical !== prefix) renames.set(prefix, canonical);
  }
  return renames;
}

function renameTag(name: string, renames: Map<string, string>): string {
  const colon = name.indexOf(':');
  if (colon < 0) return name;
  const canonical = renames.get(name.slice(0, colon));
  if (canonical === undefined) return name;
  return canonical ? `${canonical}:${name.slice(colon + 1)}` : name.slice(colon + 1);
}

function formatOf(rootLocal: string): FeedFormat {
  if (rootLocal === 'feed') return 'atom';
  if (rootLocal === 'RDF') return 'rdf';
  return 'rss';
}

const TEXT_CONSTRUCT = /<((?:[\w.-]+:)?(?:content|summary|title|subtitle|tagline|rights|copyright|info))(?=[\s/>])/g;

/**
 * Atom `type="xhtml"` (and 0.3 `mode="xml"` / `type="application/xhtml+xml"`) content is markup
 * inside the feed. It is turned into `type="html"` with the markup escaped, minus the wrapping
 * `<div>` (RFC 4287 §3.1.1.3), so xml2js keeps it as one string in document order.
 * A forward-only scan (indexOf, never a regex spanning elements) keeps hostile input linear.
 */
export function inlineXhtmlToHtml(xml: string): string {
  if (!/\btype\s*=\s*["'](?:xhtml|application\/xhtml\+xml)["']|\bmode\s*=\s*["']xml["']/i.test(xml)) return xml;
  const opener = new RegExp(TEXT_CONSTRUCT.source, 'g');
  let out = '';
  let last = 0;
  for (let match = opener.exec(xml); match; match = opener.exec(xml)) {
    const name = match[1]!;
    const attrStart = match.index + match[0].length;
    const gt = xml.indexOf('>', attrStart);
    if (gt < 0) break;
    opener.lastIndex = gt + 1;
    const attributes = xml.slice(attrStart, gt);
    if (attributes.endsWith('/')) continue;
    const type = /\btype\s*=\s*["']([^"']*)["']/i.exec(attributes)?.[1]?.toLowerCase();
    const mode = /\bmode\s*=\s*["']([^"']*)["']/i.exec(attributes)?.[1]?.toLowerCase();
    const inline = type === 'xhtml' || mode === 'xml' || (type === 'application/xhtml+xml' && mode !== 'escaped' && mode !== 'base64');
    if (!inline) continue;
    const close = findEndTag(xml, name, gt + 1);
    if (!close) break;
    opener.lastIndex = close.end;
    const inner = xml.slice(gt + 1, close.start);
    if (inner.includes('<![CDATA[')) continue;
    let markup = inner;
    const wrapper = /^\s*<((?:([\w.-]+):)?div)\b[^>]*>([\s\S]*)<\/\1\s*>\s*$/.exec(inner);
    if (wrapper) {
      markup = wrapper[3] ?? '';
      const prefix = wrapper[2];
      if (prefix) markup = markup.split(`<${prefix}:`).join('<').split(`</${prefix}:`).join('</');
    }
    const rest = attributes.replace(/\s(?:type|mode)\s*=\s*["'][^"']*["']/gi, '');
    out += `${xml.slice(last, match.index)}<${name}${rest} type="html">${escapeXml(markup)}</${name}>`;
    last = close.end;
  }
  return out + xml.slice(last);
}

function findEndTag(xml: string, name: string, from: number): { start: number; end: number } | undefined {
  for (let at = xml.indexOf(`</${name}`, from); at >= 0; at = xml.indexOf(`</${name}`, at + 2)) {
    const after = at + name.length + 2;
    const gt = xml.indexOf('>', after);
    if (gt < 0) return undefined;
    if (xml.slice(after, gt).trim() === '') return { start: at, end: gt + 1 };
  }
  return undefined;
}

/**
 * Escapes ampersands sax rejects: bare "&" and invalid numeric references; with `namedToo`
 * (sax met an unknown "&name;") also every named reference except XML's five, which keeps
 * "&foo;" as literal text — right for the HTML fields, and titles get entities decoded later.
 */
export function escapeLooseAmpersands(xml: string, namedToo: boolean): string {
  return replaceOutsideCdata(xml, (chunk) =>
    chunk.replace(/&(#x[0-9a-fA-F]+;|#[0-9]+;|[A-Za-z][A-Za-z0-9._-]*;)?/g, (whole, ref: string | undefined) => {
      if (!ref) return '&amp;';
      if (ref[0] === '#') {
        const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
        return isXmlChar(code) ? whole : `&amp;${ref}`;
      }
      if (!namedToo) return whole;
      return /^(amp|lt|gt|quot|apos);$/.test(ref) ? whole : `&amp;${ref}`;
    }),
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isXmlChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

// ---------------------------------------------------------------- errors

function classify(error: unknown, message: string, url: string, prepared: PreparedXml): ParseError {
  if (/Feed not recognized|Unable to parse XML/.test(message)) {
    return notAFeed(url, prepared.rootName ? `its root element is <${prepared.rootName}>, not <rss>, <feed> or <rdf:RDF>` : 'it has no root element', error);
  }
  const sax = /^(.*?)\s*\nLine: (\d+)\s*\nColumn: (\d+)/.exec(message);
  if (sax) {
    const line = Number(sax[2]) + 1; // sax counts lines from 0
    const column = Number(sax[3]);
    return new ParseError('PARSE_MALFORMED', `The feed at ${url} is not well-formed XML: ${sax[1]} (line ${line}, column ${column})`, {
      cause: error,
      hint: 'The publisher’s feed is broken (often truncated or hand-edited); tell them, or try again later if it was cut off.',
      context: { feed: url, line, column },
    });
  }
  return new ParseError('PARSE_MALFORMED', `The feed at ${url} could not be read: ${message}`, {
    cause: error,
    hint: 'The feed’s structure is unusual or broken; check it with a feed validator (validator.w3.org/feed).',
    context: { feed: url },
  });
}

function notAFeed(url: string, why: string, cause?: unknown): ParseError {
  return new ParseError('PARSE_NOT_A_FEED', `The document at ${url} is not a feed: ${why}`, {
    cause,
    hint: 'Check that the URL points to an RSS, Atom or JSON feed, not to a page or another kind of file.',
    context: { feed: url },
  });
}

// ---------------------------------------------------------------- mapping to ParsedFeed

function buildFeed(output: Raw, format: FeedFormat, url: string, rootTag: string): ParsedFeed {
  const docBase = resolveBase(undefined, url);
  const rootAttrs = /^<[^>]*\bxml:base\s*=\s*["']([^"']*)["']/.exec(rootTag)?.[1];
  const rootBase = resolveBase(rootAttrs, docBase);
  const feedBase = resolveBase(attr({ $: output['x:$'] }, 'xml:base'), rootBase);

  const feed: ParsedFeed = { format, items: [] };
  const titleNode = firstNode(output['x:title']);
  const title = format === 'atom' ? atomTitle(titleNode) : plainTitle(firstText(titleNode) ?? stringField(output.title), 'rss');
  if (title) feed.title = title;
  const link =
    format === 'atom'
      ? pickAtomLink(output['x:link'], feedBase)
      : resolveLink(firstText(output['x:link']) ?? stringField(output.link), feedBase);
  if (link) feed.link = link;
  const description = firstText(output['x:description'], output['x:subtitle'], output['x:tagline']);
  if (description) feed.description = description;
  const feedUrl = resolveLink(stringField(output.feedUrl), feedBase);
  if (feedUrl) feed.feedUrl = feedUrl;
  const updated = parseDate(firstText(output['x:updated'], output['x:modified'], output['x:lastBuildDate'], output['x:pubDate'], output['x:dc:date']));
  if (updated) feed.updated = updated;

  const feedAuthor = format === 'atom' ? atomAuthors(output['x:author']) : undefined;
  const items = Array.isArray(output.items) ? output.items : [];
  const warnings: ItemWarning[] = [];
  items.forEach((item, index) => {
    if (!isElement(item)) return;
    const problems: string[] = [];
    const warn: WarnFn = (message) => problems.push(message);
    const raw = format === 'atom' ? atomItem(item, feedBase, feedAuthor, warn) : rssItem(item, feedBase, warn);
    if (raw) feed.items.push(raw);
    for (const message of problems) warnings.push({ item: itemLabel(raw, index), message });
  });
  if (warnings.length > 0) feed.warnings = warnings;
  return feed;
}

function stringField(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

function rssItem(item: XmlElement, feedBase: string | undefined, warn: WarnFn): RawItem | undefined {
  const itemBase = resolveBase(attr({ $: item['x:$'] }, 'xml:base'), feedBase);
  const raw: RawItem = {};

  const guidNode = firstNode(item['x:guid']);
  const guid = firstText(guidNode) ?? attr({ $: item['x:$'] }, 'rdf:about')?.trim();
  if (guid) raw.guid = guid;
  const title = plainTitle(firstText(item['x:title'], item['x:dc:title'], item['x:itunes:title']), 'rss') ?? mediaTitle(item);
  if (title) raw.title = title;

  let link = resolveItemLink(firstText(item['x:link']), itemBase);
  if (!link && guid && attr(guidNode, 'isPermaLink')?.toLowerCase() !== 'false' && /^https?:\/\//i.test(guid)) link = resolveLink(guid, itemBase);
  if (link) raw.link = link;

  const encoded = firstNode(item['x:content:encoded']) ?? firstNode(item['x:xhtml:body']);
  const contentHtml = htmlOf(encoded);
  if (contentHtml) raw.contentHtml = contentHtml;
  const summary = htmlOf(firstNode(item['x:description'])) ?? otherDescription(item);
  if (summary) raw.summary = summary;

  const published = parseDate(firstText(item['x:pubDate'], item['x:dc:date'], item['x:published'], item['x:issued']));
  if (published) raw.published = published;
  const updated = parseDate(firstText(item['x:updated'], item['x:dcterms:modified'], item['x:modified']));
  if (updated) raw.updated = updated;

  const author = firstText(item['x:dc:creator'], item['x:itunes:author']) ?? rssAuthor(firstText(item['x:author']));
  if (author) raw.author = author;
  const images = itemImages(item, itemBase, warn);
  if (images.length > 0) raw.images = images;
  const enclosure = itemEnclosure(item, itemBase);
  if (enclosure) raw.enclosure = enclosure;
  const categories = uniq([...nodes(item['x:category']).map(textOf), ...nodes(item['x:dc:subject']).map(textOf)]);
  if (categories.length > 0) raw.categories = categories;
  if (itemBase) raw.baseUrl = itemBase;
  return isEmptyItem(raw) ? undefined : raw;
}

function atomItem(item: XmlElement, feedBase: string | undefined, feedAuthor: string | undefined, warn: WarnFn): RawItem | undefined {
  const entryBase = resolveBase(attr({ $: item['x:$'] }, 'xml:base'), feedBase);
  const raw: RawItem = {};

  const id = firstText(item['x:id']);
  if (id) raw.guid = id;
  const title = atomTitle(firstNode(item['x:title'])) ?? plainTitle(firstText(item['x:dc:title']), 'rss') ?? mediaTitle(item);
  if (title) raw.title = title;
  const link = pickAtomLink(item['x:link'], entryBase) ?? (id && /^https?:\/\//i.test(id) ? resolveLink(id, entryBase) : undefined);
  if (link) raw.link = link;

  const contentNode = firstNode(item['x:content']);
  const content = atomText(contentNode);
  if (content.html) raw.contentHtml = content.html;
  else if (content.text) raw.contentText = content.text;
  const summary = atomText(firstNode(item['x:summary']));
  const summaryHtml = summary.html ?? (summary.text ? plainTextToHtml(summary.text) : undefined) ?? otherDescription(item);
  if (summaryHtml) raw.summary = summaryHtml;

  const published = parseDate(firstText(item['x:published'], item['x:issued'], item['x:created'], item['x:dc:date']));
  const updated = parseDate(firstText(item['x:updated'], item['x:modified']));
  if (published ?? updated) raw.published = (published ?? updated)!;
  if (updated) raw.updated = updated;

  const author = atomAuthors(item['x:author']) ?? firstText(item['x:dc:creator']) ?? atomAuthors(isElement(firstNode(item['x:source'])) ? (firstNode(item['x:source']) as XmlElement).author : undefined) ?? feedAuthor;
  if (author) raw.author = author;
  const images = itemImages(item, entryBase, warn);
  if (images.length > 0) raw.images = images;
  const enclosure = itemEnclosure(item, entryBase);
  if (enclosure) raw.enclosure = enclosure;
  const categories = uniq(nodes(item['x:category']).map((node) => attr(node, 'label') ?? attr(node, 'term') ?? textOf(node)));
  if (categories.length > 0) raw.categories = categories;
  const contentBase = resolveBase(attr(contentNode, 'xml:base'), entryBase);
  if (contentBase) raw.baseUrl = contentBase;
  return isEmptyItem(raw) ? undefined : raw;
}

/** An item with nothing in it (`<item/>`) is dropped; anything else is kept for later stages to judge. */
function isEmptyItem(raw: RawItem): boolean {
  return Object.keys(raw).every((key) => key === 'baseUrl');
}

/** An RSS text construct as HTML: escaped text as is, unescaped child markup serialised. */
function htmlOf(node: unknown): string | undefined {
  if (node === undefined) return undefined;
  const value = isElement(node) && hasChildren(node) ? innerXml(node) : textOf(node);
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** An Atom title as plain text, read by its type (text by default). */
function atomTitle(node: unknown): string | undefined {
  const title = atomText(node);
  return title.html !== undefined ? plainTitle(title.html, 'html') : plainTitle(title.text, 'text');
}

/** media:title, on the item or in its media:group (plain text unless it says otherwise). */
function mediaTitle(item: XmlElement): string | undefined {
  const groups = nodes(item['x:media:group']).flatMap((group) => (isElement(group) ? nodes(group['media:title']) : []));
  for (const node of [...nodes(item['x:media:title']), ...groups]) {
    const text = textOf(node)?.trim();
    if (text) return plainTitle(text, attr(node, 'type')?.trim().toLowerCase() === 'html' ? 'html' : 'text');
  }
  return undefined;
}

/**
 * A description the item gives outside RSS's <description> and Atom's <summary>, as HTML:
 * dc:description (RSS 1.0), itunes:summary, media:description (on the item, in its media:group
 * as YouTube writes it, or on its media:content), itunes:subtitle, in that order. Plain text
 * keeps its line breaks.
 */
function otherDescription(item: XmlElement): string | undefined {
  const media = (value: unknown): unknown[] => nodes(value).flatMap((node) => (isElement(node) ? nodes(node['media:description']) : []));
  const candidates: unknown[] = [
    ...nodes(item['x:dc:description']),
    ...nodes(item['x:itunes:summary']),
    ...nodes(item['x:media:description']),
    ...media(item['x:media:group']),
    ...media(item['x:media:content']),
    ...nodes(item['x:media:group']).flatMap((group) => (isElement(group) ? media(group['media:content']) : [])),
    ...nodes(item['x:itunes:subtitle']),
  ];
  for (const node of candidates) {
    if (isElement(node) && hasChildren(node)) {
      const markup = innerXml(node).trim();
      if (markup) return markup;
      continue;
    }
    const text = textOf(node)?.trim();
    if (!text) continue;
    const declared = attr(node, 'type')?.trim().toLowerCase();
    return declared === 'html' || (declared === undefined && HTML_MARKUP.test(text)) ? text : plainTextToHtml(text);
  }
  return undefined;
}

/** Markup that shows a description is HTML rather than text with a stray "<". */
const HTML_MARKUP = /<(?:p|br|a|div|span|em|strong|b|i|ul|ol|li|img|h[1-6]|blockquote|figure)\b[^>]*>/i;

/** An Atom text construct (title/summary/content) by its type and (0.3) mode. */
function atomText(node: unknown): { html?: string; text?: string } {
  if (node === undefined) return {};
  if (isElement(node) && hasChildren(node)) {
    // Inline XML that was not XHTML (rewritten before parsing): keep it as markup.
    const html = innerXml(node).trim();
    return html ? { html } : {};
  }
  const type = (attr(node, 'type') ?? 'text').trim().toLowerCase();
  const mode = attr(node, 'mode')?.trim().toLowerCase();
  const kind =
    type === 'html' || type === 'xhtml' || type === 'text/html' || type === 'application/xhtml+xml'
      ? 'html'
      : type === 'text' || type.startsWith('text/')
        ? 'text'
        : undefined; // Atom 1.0: any other media type is base64 data, of no use in a digest
  if (!kind) return {};
  let value = textOf(node) ?? '';
  if (mode === 'base64') value = Buffer.from(value, 'base64').toString('utf8');
  value = value.trim();
  if (!value) return {};
  return kind === 'html' ? { html: value } : { text: value };
}

function atomAuthors(value: unknown): string | undefined {
  const names = uniq(nodes(value).map((author) => (isElement(author) ? firstText(author.name, author.email) : textOf(author))));
  return names.length > 0 ? names.join(', ') : undefined;
}

/** "jane@example.com (Jane Doe)" → "Jane Doe"; other forms unchanged. */
function rssAuthor(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const named = /^\S+@\S+\s*\(([^)]+)\)\s*$/.exec(value);
  return named?.[1]?.trim() ?? value;
}

function pickAtomLink(value: unknown, base: string | undefined): string | undefined {
  const links = nodes(value)
    .map((node) => {
      const href = typeof node === 'string' ? node : attr(node, 'href');
      return {
        href,
        rel: (attr(node, 'rel') ?? 'alternate').trim().toLowerCase(),
        type: attr(node, 'type')?.trim().toLowerCase(),
        base: resolveBase(attr(node, 'xml:base'), base),
      };
    })
    .filter((link) => link.href !== undefined && link.href.trim() !== '');
  const choice =
    links.find((link) => (link.rel === 'alternate' || link.rel === 'http://www.iana.org/assignments/relation/alternate') && (!link.type || /html/.test(link.type))) ??
    links.find((link) => link.rel === 'alternate') ??
    links.find((link) => !['self', 'edit', 'enclosure', 'replies', 'license', 'hub', 'via', 'service.edit', 'service.post', 'edit-media'].includes(link.rel));
  return choice ? resolveLink(choice.href, choice.base) : undefined;
}

function uniq(values: Array<string | undefined>): string[] {
  const seen = new Set<string>();
  for (const value of values) {
    const trimmed = value?.trim();
    if (trimmed) seen.add(trimmed);
  }
  return [...seen];
}
