/**
 * Helpers for the objects xml2js produces (through rss-parser): an element is a string when it
 * has only text, else an object with `_` (text), `$` (attributes) and one array per child name.
 * Feed XML is outside data, so every accessor accepts `unknown` and narrows.
 */

export interface XmlElement {
  _?: unknown;
  $?: Record<string, unknown>;
  [child: string]: unknown;
}

export function isElement(node: unknown): node is XmlElement {
  return typeof node === 'object' && node !== null && !Array.isArray(node);
}

/** The nodes of a repeated child: always an array. */
export function nodes(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

export function firstNode(value: unknown): unknown {
  return nodes(value)[0];
}

/** An attribute of an element, or undefined. */
export function attr(node: unknown, name: string): string | undefined {
  if (!isElement(node) || !isElement(node.$)) return undefined;
  const value = node.$[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The text of an element. Elements with child elements (markup that was not escaped) give
 * their text content, tags dropped.
 */
export function textOf(node: unknown): string | undefined {
  if (typeof node === 'string') return node;
  if (typeof node === 'number') return String(node);
  if (!isElement(node)) return undefined;
  if (typeof node._ === 'string' && !hasChildren(node)) return node._;
  if (!hasChildren(node)) return typeof node._ === 'string' ? node._ : undefined;
  const parts: string[] = [];
  if (typeof node._ === 'string') parts.push(node._);
  for (const [key, value] of Object.entries(node)) {
    if (key === '$' || key === '_') continue;
    for (const child of nodes(value)) {
      const text = textOf(child);
      if (text) parts.push(text);
    }
  }
  return parts.join(' ');
}

/** The first non-empty trimmed text among several candidate nodes. */
export function firstText(...candidates: unknown[]): string | undefined {
  for (const candidate of candidates) {
    for (const node of nodes(candidate)) {
      const text = textOf(node)?.trim();
      if (text) return text;
    }
  }
  return undefined;
}

export function hasChildren(node: XmlElement): boolean {
  return Object.keys(node).some((key) => key !== '$' && key !== '_');
}

/**
 * Serialises an element's children back to markup. xml2js groups children by name, so the
 * order of mixed text and elements is lost; inline XHTML is rewritten to escaped HTML before
 * parsing (see parse-xml-feed) so this is only a fallback for unexpected raw markup.
 */
export function innerXml(node: unknown): string {
  if (typeof node === 'string') return escapeXml(node);
  if (!isElement(node)) return '';
  let out = typeof node._ === 'string' ? escapeXml(node._) : '';
  for (const [key, value] of Object.entries(node)) {
    if (key === '$' || key === '_') continue;
    for (const child of nodes(value)) out += outerXml(key, child);
  }
  return out;
}

function outerXml(name: string, node: unknown): string {
  const attrs = isElement(node) && isElement(node.$)
    ? Object.entries(node.$)
        .filter(([, value]) => typeof value === 'string')
        .map(([key, value]) => ` ${key}="${escapeXml(value as string).replace(/"/g, '&quot;')}"`)
        .join('')
    : '';
  const inner = innerXml(node);
  return inner ? `<${name}${attrs}>${inner}</${name}>` : `<${name}${attrs}/>`;
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
