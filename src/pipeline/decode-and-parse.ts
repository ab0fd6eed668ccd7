/**
 * One feed body, from bytes to ParsedFeed: decoded (fetch's charset rules) and parsed (the parse
 * stage). The same code runs in this thread and in a parser thread (feed-parse-worker.ts).
 */
import { decodeBody } from '../fetch/decode-text.js';
import { parseFeed } from '../parse/parse-feed.js';
import type { ParsedFeed } from '../types.js';

export interface FeedBody {
  bytes: Uint8Array;
  contentType?: string | undefined;
  /** Where the body came from: named in errors, and the base for relative links. */
  url: string;
}

export function decodeAndParse(body: FeedBody): Promise<ParsedFeed> {
  const bytes = Buffer.isBuffer(body.bytes) ? body.bytes : Buffer.from(body.bytes.buffer, body.bytes.byteOffset, body.bytes.byteLength);
  return parseFeed(decodeBody(bytes, body.contentType), { url: body.url });
}
