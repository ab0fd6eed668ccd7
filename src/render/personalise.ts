import type { RenderedDigest } from './render-digest.js';

export interface RecipientValues {
  email: string;
  name?: string | undefined;
  fields?: Record<string, string>;
}

export interface PersonalisedDigest {
  subject: string;
  html: string;
  text: string;
  /** The recipient's unsubscribe URL (also used for the List-Unsubscribe header). */
  unsubscribeUrl: string | undefined;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * Fills `{{email}}`, `{{name}}` and any recipient field into the configured unsubscribe URL
 * template, URL-encoded.
 */
export function unsubscribeUrlFor(template: string | undefined, recipient: RecipientValues): string | undefined {
  if (!template) return undefined;
  const values: Record<string, string> = { ...recipient.fields, email: recipient.email, name: recipient.name ?? '' };
  return template.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (_, key: string) => encodeURIComponent(values[key] ?? ''));
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

function recipientValues(recipient: RecipientValues, unsubscribeUrl: string | undefined): Map<string, string> {
  const values = new Map<string, string>([
    ['email', recipient.email],
    ['name', recipient.name ?? ''],
    ['unsubscribeUrl', unsubscribeUrl ?? ''],
  ]);
  for (const [key, value] of Object.entries(recipient.fields ?? {})) values.set(`field.${key}`, value);
  return values;
}

/**
 * Fills one recipient's values into a digest rendered once: a string join over tokens,
 * microseconds per recipient, where re-running MJML would take tens of milliseconds.
 */
export function personalise(rendered: Rendered, recipient: RecipientValues, unsubscribeTemplate: string | undefined): PersonalisedDigest {
  const unsubscribeUrl = unsubscribeUrlFor(unsubscribeTemplate, recipient);
  const values = recipientValues(recipient, unsubscribeUrl);
  const pieces = compile(rendered);
  return {
    subject: join(pieces.subject, values, asIs),
    html: join(pieces.html, values, escapeHtml),
    text: join(pieces.text, values, asIs),
    unsubscribeUrl,
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
export function personaliseBytes(rendered: Rendered, recipient: RecipientValues, unsubscribeTemplate: string | undefined): PersonalisedBytes {
  const unsubscribeUrl = unsubscribeUrlFor(unsubscribeTemplate, recipient);
  const values = recipientValues(recipient, unsubscribeUrl);
  const pieces = compile(rendered);
  const encode = (list: Pieces) => list.map((piece, i) => (i % 2 === 0 ? Buffer.from(piece) : Buffer.alloc(0)));
  pieces.bytes ??= { html: encode(pieces.html), text: encode(pieces.text) };
  return {
    subject: join(pieces.subject, values, asIs),
    html: joinBytes(pieces.html, pieces.bytes.html, values, escapeHtml),
    text: joinBytes(pieces.text, pieces.bytes.text, values, asIs),
    unsubscribeUrl,
  };
}
