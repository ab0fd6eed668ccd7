import type { RenderedDigest } from './render-digest.js';
import { readerUrls, type ReaderLinks, type RecipientValues } from '../audience/reader-links.js';

export { unsubscribeUrlFor, type RecipientValues, type ReaderLinks } from '../audience/reader-links.js';

export interface PersonalisedDigest {
  subject: string;
  html: string;
  text: string;
  /** The recipient's unsubscribe URL (also used for the List-Unsubscribe header). */
  unsubscribeUrl: string | undefined;
}

/**
 * Where a reader's links come from: the config's `unsubscribeUrl` template (a string, the old
 * form), or the reader links of `web.baseUrl` with their signer and the web address.
 */
export type LinkSource = ReaderLinks | string | undefined;

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}


type Rendered = Pick<RenderedDigest, 'subject' | 'html' | 'text' | 'marker'>;

/** A text cut at its tokens: literal, key, literal, key, …, literal. */
type Pieces = string[];

function cut(text: string, pattern: RegExp): Pieces {
  const pieces: Pieces = [];
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    pieces.push(text.slice(last, match.index), match[1]!);
    last = match.index + match[0].length;
  }
  pieces.push(text.slice(last));
  return pieces;
}

function join(pieces: Pieces, values: Map<string, string>, escape: (s: string) => string): string {
  let out = pieces[0]!;
  for (let i = 1; i < pieces.length; i += 2) out += escape(values.get(pieces[i]!) ?? '') + pieces[i + 1]!;
  return out;
}

/**
 * The rendering cut at its tokens, once per rendering: a run personalises the same rendering for
 * every recipient, and joining pieces costs microseconds where scanning 60 KB of HTML for tokens
 * each time costs a hundred or more.
 */
interface Compiled {
  from: Rendered;
  subject: Pieces;
  html: Pieces;
  text: Pieces;
  /** The literal pieces as UTF-8, made on first use by personaliseBytes. */
  bytes?: { html: Buffer[]; text: Buffer[] };
}

const compiled = new WeakMap<Rendered, Compiled>();

function compile(rendered: Rendered): Compiled {
  const cached = compiled.get(rendered);
  const { from } = cached ?? {};
  // Still the same rendering (identical strings compare by reference first: no scan).
  if (cached && from!.html === rendered.html && from!.text === rendered.text && from!.subject === rendered.subject && from!.marker === rendered.marker) return cached;
  const pattern = new RegExp(`%%${rendered.marker}:([\\w.-]+)%%`, 'g');
  const entry: Compiled = { from: { ...rendered }, subject: cut(rendered.subject, pattern), html: cut(rendered.html, pattern), text: cut(rendered.text, pattern) };
  compiled.set(rendered, entry);
  return entry;
}

const asIs = (s: string) => s;

function recipientValues(recipient: RecipientValues, urls: ReturnType<typeof readerUrls>): Map<string, string> {
  const values = new Map<string, string>([
    ['email', recipient.email],
    ['name', recipient.name ?? ''],
    ['unsubscribeUrl', urls.unsubscribeUrl ?? ''],
    ['preferencesUrl', urls.preferencesUrl ?? ''],
    ['webVersionUrl', urls.webVersionUrl ?? ''],
  ]);
  for (const [key, value] of Object.entries(recipient.fields ?? {})) values.set(`field.${key}`, value);
  return values;
}

/**
 * The rendering with the given values in place of its tokens (a token without a value becomes
 * empty): the archive fills in no reader at all.
 */
export function fillTokens(rendered: Rendered, values: ReadonlyMap<string, string>): { subject: string; html: string; text: string } {
  const pieces = compile(rendered);
  const map = values as Map<string, string>;
  return { subject: join(pieces.subject, map, asIs), html: join(pieces.html, map, escapeHtml), text: join(pieces.text, map, asIs) };
}

/**
 * Fills one reader's values (address, name, fields, and their links: see reader-links.ts) into a
 * digest rendered once: a string join over tokens, microseconds per recipient, where re-running
 * MJML would take tens of milliseconds.
 */
export function personalise(rendered: Rendered, recipient: RecipientValues, links: LinkSource): PersonalisedDigest {
  const urls = readerUrls(links, recipient);
  const values = recipientValues(recipient, urls);
  const pieces = compile(rendered);
  return {
    subject: join(pieces.subject, values, asIs),
    html: join(pieces.html, values, escapeHtml),
    text: join(pieces.text, values, asIs),
    unsubscribeUrl: urls.unsubscribeUrl,
  };
}

export interface PersonalisedBytes {
  subject: string;
  /** UTF-8. */
  html: Buffer;
  /** UTF-8. */
  text: Buffer;
  unsubscribeUrl: string | undefined;
}

function joinBytes(pieces: Pieces, bytes: Buffer[], values: Map<string, string>, escape: (s: string) => string): Buffer {
  const parts: Buffer[] = [bytes[0]!];
  for (let i = 1; i < pieces.length; i += 2) parts.push(Buffer.from(escape(values.get(pieces[i]!) ?? '')), bytes[i + 1]!);
  return Buffer.concat(parts);
}

/**
 * `personalise` with the bodies as UTF-8 bytes, joined from pieces encoded once, for sending.
 * The same content, without a per-recipient copy of the whole HTML as a JavaScript string: with
 * any non-Latin-1 character in it, 60 KB of HTML is a 120 KB string, which V8 keeps in its
 * large-object space until a full collection, so thousands of them swell the process.
 */
export function personaliseBytes(rendered: Rendered, recipient: RecipientValues, links: LinkSource): PersonalisedBytes {
  const urls = readerUrls(links, recipient);
  const values = recipientValues(recipient, urls);
  const pieces = compile(rendered);
  const encode = (list: Pieces) => list.map((piece, i) => (i % 2 === 0 ? Buffer.from(piece) : Buffer.alloc(0)));
  pieces.bytes ??= { html: encode(pieces.html), text: encode(pieces.text) };
  return {
    subject: join(pieces.subject, values, asIs),
    html: joinBytes(pieces.html, pieces.bytes.html, values, escapeHtml),
    text: joinBytes(pieces.text, pieces.bytes.text, values, asIs),
    unsubscribeUrl: urls.unsubscribeUrl,
  };
}
