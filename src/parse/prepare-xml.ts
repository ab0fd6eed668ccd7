/**
 * Looks at an XML document's prolog before any XML parser does, and makes it safe to parse:
 *
 * - A DOCTYPE is removed (replaced by as many newlines, so error line numbers stay right).
 *   Nothing it names is ever fetched: external entities (SYSTEM/PUBLIC) and parameter entities
 *   are dropped, and references to external entities become empty.
 * - Internal entity declarations are the billion-laughs / quadratic-blowup vector. Any entity
 *   whose value refers to another declared entity (nesting, the exponential shape), more than
 *   MAX_ENTITIES declarations, or a total expansion over MAX_EXPANSION characters is refused with
 *   PARSE_ENTITY_BOMB. Flat, small ones ("&id;" for "tag:example.com,") are substituted here,
 *   because sax (under xml2js) would otherwise reject them as unknown entities.
 *
 * Everything is a single linear scan, so a hostile prolog is refused in milliseconds.
 */
import { ParseError } from '../errors.js';

const MAX_ENTITIES = 64;
const MAX_EXPANSION = 1024 * 1024;
const XML_PREDEFINED = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);

export interface PreparedXml {
  /** The text to hand to the XML parser. */
  xml: string;
  /** Qualified name of the root element, when one was found. */
  rootName?: string;
  /** The DOCTYPE's root name ("html" for `<!DOCTYPE html>`). */
  doctypeName?: string;
  /** Index in `xml` of the root element's "<". */
  rootIndex?: number;
}

interface Doctype {
  start: number;
  end: number;
  name: string;
  subset: string;
}

export function prepareXml(text: string, url: string): PreparedXml {
  let i = 0;
  let doctype: Doctype | undefined;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0xfeff) {
      i++;
    } else if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i + 2);
      if (end < 0) throw malformed(url, text, i, 'an unterminated processing instruction');
      i = end + 2;
    } else if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end < 0) throw malformed(url, text, i, 'an unterminated comment');
      i = end + 3;
    } else if (/^<!doctype/i.test(text.slice(i, i + 9))) {
      doctype = scanDoctype(text, i, url);
      i = doctype.end;
    } else if (c === 0x3c /* < */) {
      const name = /^<([A-Za-z_][\w.:-]*)/.exec(text.slice(i, i + 200))?.[1];
      return finish(text, url, doctype, name, i);
    } else {
      // Text before the root element: not XML; the caller decides what it is.
      return finish(text, url, doctype, undefined, undefined);
    }
  }
  return finish(text, url, doctype, undefined, undefined);
}

function finish(text: string, url: string, doctype: Doctype | undefined, rootName: string | undefined, rootIndex: number | undefined): PreparedXml {
  const base = { ...(rootName ? { rootName } : {}), ...(rootIndex !== undefined ? { rootIndex } : {}) };
  if (!doctype) return { xml: text, ...base };
  const body = text.slice(doctype.end);
  const replacements = entityReplacements(doctype, body, url);
  // Keep the line count of the removed DOCTYPE so parser errors point at the right line.
  const blank = text.slice(doctype.start, doctype.end).replace(/[^\n]/g, '');
  let rest = body;
  if (replacements.size > 0) {
    rest = replaceOutsideCdata(body, (chunk) =>
      chunk.replace(/&([A-Za-z_][\w.:-]*);/g, (whole, name: string) => replacements.get(name) ?? whole),
    );
  }
  const xml = text.slice(0, doctype.start) + blank + rest;
  return {
    xml,
    ...(rootName ? { rootName } : {}),
    ...(rootIndex !== undefined ? { rootIndex: rootIndex - (doctype.end - doctype.start - blank.length) } : {}),
    doctypeName: doctype.name,
  };
}

function scanDoctype(text: string, start: number, url: string): Doctype {
  let i = start + 9;
  let quote = '';
  let subsetStart = -1;
  let subsetEnd = -1;
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) quote = '';
    } else if (subsetStart >= 0 && subsetEnd < 0) {
      // Inside the internal subset: skip comments and quoted literals, wait for "]".
      if (text.startsWith('<!--', i)) {
        const end = text.indexOf('-->', i + 4);
        if (end < 0) break;
        i = end + 2;
      } else if (ch === '"' || ch === "'") {
        quote = ch;
      } else if (ch === ']') {
        subsetEnd = i;
      }
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === '[' && subsetStart < 0) {
      subsetStart = i + 1;
    } else if (ch === '>') {
      const name = /^\s*([^\s[>]+)/.exec(text.slice(start + 9, start + 209))?.[1] ?? '';
      const subset = subsetStart >= 0 ? text.slice(subsetStart, subsetEnd) : '';
      return { start, end: i + 1, name, subset };
    }
  }
  throw malformed(url, text, start, 'an unterminated DOCTYPE');
}

/** Decides what each declared entity becomes, or throws PARSE_ENTITY_BOMB. */
function entityReplacements(doctype: Doctype, body: string, url: string): Map<string, string> {
  const replacements = new Map<string, string>();
  if (!doctype.subset.includes('<!ENTITY')) return replacements;
  const subset = stripComments(doctype.subset);
  // Counted first, so that the declaration pattern below runs a bounded number of times.
  const declared = subset.split('<!ENTITY').length - 1;
  if (declared > MAX_ENTITIES) throw bomb(url, `declares ${declared} entities (more than ${MAX_ENTITIES})`);
  const declaration = /<!ENTITY\s+(%\s+)?([^\s"'>]+)\s+(?:(SYSTEM|PUBLIC)\b[^>]*|"([^"]*)"|'([^']*)')\s*>/g;
  const internal = new Map<string, string>();
  let count = 0;
  for (const match of subset.matchAll(declaration)) {
    count++;
    const [, parameter, name, external, double, single] = match;
    if (parameter || !name) continue; // parameter entities only matter inside the DTD, which is dropped
    if (external) {
      replacements.set(name, ''); // never fetched
      continue;
    }
    internal.set(name, double ?? single ?? '');
  }
  // Declarations the pattern could not read are refused rather than guessed at.
  if (declared > count) throw bomb(url, 'declares entities in a form this reader does not accept');

  for (const [name, value] of internal) {
    for (const ref of value.matchAll(/&([A-Za-z_][\w.:-]*);/g)) {
      const target = ref[1]!;
      if (!XML_PREDEFINED.has(target)) {
        throw bomb(url, `declares entity "${name}" in terms of "${target}" (nested entities are how billion-laughs attacks expand)`);
      }
    }
  }

  if (internal.size > 0) {
    let expansion = 0;
    for (const ref of body.matchAll(/&([A-Za-z_][\w.:-]*);/g)) {
      const value = internal.get(ref[1]!);
      if (value === undefined) continue;
      expansion += value.length;
      if (expansion > MAX_EXPANSION) {
        throw bomb(url, `would expand its entities to more than ${MAX_EXPANSION} characters (quadratic blow-up)`);
      }
    }
    for (const [name, value] of internal) replacements.set(name, value);
  }
  return replacements;
}

/** Removes `<!-- … -->` comments in one forward pass (an unclosed one runs to the end). */
function stripComments(text: string): string {
  let out = '';
  let i = 0;
  for (let start = text.indexOf('<!--'); start >= 0; start = text.indexOf('<!--', i)) {
    out += text.slice(i, start);
    const end = text.indexOf('-->', start + 4);
    if (end < 0) return out;
    i = end + 3;
  }
  return out + text.slice(i);
}

/** Applies `transform` to the parts of `xml` outside CDATA sections. */
export function replaceOutsideCdata(xml: string, transform: (chunk: string) => string): string {
  let out = '';
  let i = 0;
  while (i < xml.length) {
    const start = xml.indexOf('<![CDATA[', i);
    if (start < 0) break;
    const end = xml.indexOf(']]>', start + 9);
    out += transform(xml.slice(i, start));
    if (end < 0) {
      out += xml.slice(start);
      return out;
    }
    out += xml.slice(start, end + 3);
    i = end + 3;
  }
  return out + transform(xml.slice(i));
}

export function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function malformed(url: string, text: string, index: number, what: string): ParseError {
  const line = lineAt(text, index);
  return new ParseError('PARSE_MALFORMED', `The feed at ${url} is not well-formed XML: ${what} at line ${line}`, {
    hint: 'The publisher’s feed is broken; tell them, or check that the URL really points to a feed.',
    context: { feed: url, line },
  });
}

function bomb(url: string, what: string): ParseError {
  return new ParseError('PARSE_ENTITY_BOMB', `Refused the feed at ${url}: its DOCTYPE ${what}`, {
    hint: 'This looks like an entity-expansion ("billion laughs") attack, not a feed. Remove it from your config, or tell the publisher if the feed is genuine.',
    context: { feed: url },
  });
}
