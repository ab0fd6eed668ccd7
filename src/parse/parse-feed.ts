/**
 * The parse stage: feed text (already decoded by fetch) → ParsedFeed, the same shape for
 * RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and JSON Feed 1.0/1.1. Pure: no I/O, nothing fetched.
 *
 * Order of checks, cheapest and most telling first:
 * empty → binary → JSON → XML prolog (DOCTYPE / entity bombs) → HTML page → rss-parser.
 * Every failure is a ParseError with a stable code; nothing else escapes.
 */
import { DigestError, ParseError } from '../errors.js';
import type { ParsedFeed } from '../types.js';
import { discoverFeeds } from './discover-feeds.js';
import { parseJsonFeed } from './parse-json-feed.js';
import { parseXmlFeed } from './parse-xml-feed.js';
import { lineAt, prepareXml } from './prepare-xml.js';
import { boundFeedFields } from './bound-fields.js';
import { repairFeedText } from './repair-text.js';

export interface ParseFeedOptions {
  /** Where the text came from: named in errors, and the base for relative links. */
  url: string;
}

export async function parseFeed(text: string, options: ParseFeedOptions): Promise<ParsedFeed> {
  const { url } = options;
  try {
    return boundFeedFields(repairFeedText(await parseFeedText(text, url)));
  } catch (error) {
    if (error instanceof DigestError) throw error;
    // A bug or an input shape nobody foresaw: still a ParseError, with the original as cause.
    throw new ParseError('PARSE_MALFORMED', `The feed at ${url} could not be read: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
      hint: 'The feed has a shape this reader does not handle; check it with a feed validator (validator.w3.org/feed) and report it.',
      context: { feed: url },
    });
  }
}

async function parseFeedText(input: string, url: string): Promise<ParsedFeed> {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const start = text.search(/\S/);
  if (start < 0) {
    throw new ParseError('PARSE_EMPTY', `The feed at ${url} is empty`, {
      hint: 'The server sent nothing; it may be having trouble. Try again later, and check the URL.',
      context: { feed: url },
    });
  }
  if (looksBinary(text)) {
    throw new ParseError('PARSE_NOT_A_FEED', `The document at ${url} is binary data, not a feed`, {
      hint: 'Check that the URL points to a feed and not to an image, archive or other file.',
      context: { feed: url },
    });
  }

  const first = text[start];
  if (first === '{' || first === '[') return parseJsonFeed(parseJson(text, url), url);
  if (first !== '<') {
    throw new ParseError('PARSE_NOT_A_FEED', `The document at ${url} is not a feed: it starts with text, not XML or JSON`, {
      hint: 'Check that the URL points to an RSS, Atom or JSON feed.',
      context: { feed: url, line: lineAt(text, start) },
    });
  }

  const prepared = prepareXml(text, url);
  const root = prepared.rootName?.toLowerCase();
  if (root === 'html' || root === 'head' || root === 'body' || prepared.doctypeName?.toLowerCase() === 'html' || (!root && /<html[\s>]/i.test(text.slice(0, 4096)))) {
    throw htmlNotFeed(text, url);
  }
  if (root === 'opml') {
    throw new ParseError('PARSE_NOT_A_FEED', `The document at ${url} is an OPML subscription list, not a feed`, {
      hint: 'Import the feeds it lists with `digest feeds import FILE.opml` (or add the xmlUrl of each <outline> to your config).',
      context: { feed: url },
    });
  }
  return parseXmlFeed(text, url, prepared);
}

/** NUL bytes, or many control characters, in the first 2 KB: not text. */
function looksBinary(text: string): boolean {
  const head = text.slice(0, 2048);
  let control = 0;
  for (let i = 0; i < head.length; i++) {
    const code = head.charCodeAt(i);
    if (code === 0) return true;
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0xfffd) control++;
  }
  return control > head.length / 10;
}

function parseJson(text: string, url: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message)?.[1];
    const line =
      position !== undefined ? lineAt(text, Number(position)) : /end of JSON input/i.test(message) ? lineAt(text, text.length) : undefined;
    throw new ParseError('PARSE_MALFORMED', `The feed at ${url} is not valid JSON${line !== undefined ? ` (line ${line})` : ''}: ${message}`, {
      cause: error,
      hint: 'The JSON is broken (often truncated); tell the publisher, or try again later if it was cut off.',
      context: { feed: url, format: 'json', ...(line !== undefined ? { line } : {}) },
    });
  }
}

function htmlNotFeed(html: string, url: string): ParseError {
  const feeds = discoverFeeds(html, url);
  const list = feeds.map((feed) => feed.url);
  const message =
    list.length > 0
      ? `The page at ${url} is a web page (HTML), not a feed; it links to ${list.length === 1 ? 'this feed' : 'these feeds'}: ${list.join(', ')}`
      : `The page at ${url} is a web page (HTML), not a feed, and it does not link to any feed`;
  const hint =
    list.length > 0
      ? `Use ${list.length === 1 ? 'the feed URL' : 'one of the feed URLs'} in your config instead: ${list.join(', ')}`
      : 'Look on the site for an RSS or Atom link and use that URL instead.';
  return new ParseError('PARSE_HTML_NOT_FEED', message, { hint, context: { feed: url, feeds } });
}
