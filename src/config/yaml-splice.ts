import { isDeepStrictEqual } from 'node:util';
import { isMap, isScalar, isSeq, parseDocument, stringify, type Document, type Node as YamlNode, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';

/**
 * Edits one entry of a YAML (or JSON) list in the file's own text, changing nothing else: the
 * editor's comments, indentation, quoting, blank lines and aligned comments stay byte for byte.
 *
 * The yaml library's document API finds the entry and says where each part of it is in the
 * text; the change is made as a small splice there. Re-serialising the whole document instead
 * would re-indent and re-flow a hand-written file. Every splice is checked by parsing the result:
 * it must hold exactly what the same change made through the document API holds. A layout the
 * splices do not foresee (an entry written in an unusual shape) falls back to the document API's
 * output, which keeps the comments but not every space.
 */

export type EntryEdit =
  | { op: 'remove' }
  /** Sets `key` (adding it after `after`, else at the end, when it is not there yet). */
  | { op: 'set'; key: string; value: string | boolean; after?: string }
  | { op: 'unset'; key: string };

export interface SpliceResult {
  text: string;
  /** False when the document API's output had to be used (layout not fully kept). */
  layoutKept: boolean;
}

interface Splice {
  start: number;
  end: number;
  text: string;
}

type Path = readonly (string | number)[];

/** Edits item `index` of the sequence at `seqPath` (`['feeds']`, or `[]` for a list at the top). */
export function editSequenceItem(source: string, seqPath: Path, index: number, edit: EntryEdit, options: { json?: boolean } = {}): SpliceResult {
  const expected = applyThroughDocument(source, (doc) => mutateItem(doc, seqPath, index, edit));
  let splices: Splice[] | undefined;
  try {
    splices = spliceItem(source, seqPath, index, edit, options.json ?? false);
  } catch {
    splices = undefined;
  }
  return verified(source, splices, expected);
}

/** Appends entries at the end of the sequence at `seqPath`. */
export function appendSequenceItems(source: string, seqPath: Path, entries: readonly Record<string, unknown>[], options: { json?: boolean } = {}): SpliceResult {
  const expected = applyThroughDocument(source, (doc) => {
    const seq = sequenceAt(doc, seqPath);
    for (const entry of entries) seq.add(doc.createNode(entry));
    if (seq.flow && seq.items.length > 0 && !options.json) seq.flow = false;
  });
  let splices: Splice[] | undefined;
  try {
    splices = spliceAppend(source, seqPath, entries, options.json ?? false);
  } catch {
    splices = undefined;
  }
  return verified(source, splices, expected);
}

function verified(source: string, splices: Splice[] | undefined, expected: { text: string; data: unknown }): SpliceResult {
  if (splices) {
    const text = applySplices(source, splices);
    const doc = parseDocument(text);
    if (doc.errors.length === 0 && isDeepStrictEqual(doc.toJS(), expected.data)) return { text, layoutKept: true };
  }
  return { text: expected.text, layoutKept: false };
}

function applyThroughDocument(source: string, mutate: (doc: Document) => void): { text: string; data: unknown } {
  const doc = parseDocument(source);
  mutate(doc);
  const text = doc.toString({ lineWidth: 0 });
  return { text, data: parseDocument(text).toJS() };
}

function sequenceAt(doc: Document, seqPath: Path): YAMLSeq {
  const node = seqPath.length === 0 ? doc.contents : doc.getIn(seqPath, true);
  if (!isSeq(node)) throw new Error(`no list at ${seqPath.join('.') || 'the top'}`);
  return node;
}

// ── the document-API version of each edit (the reference, and the fallback) ──────────────────

function mutateItem(doc: Document, seqPath: Path, index: number, edit: EntryEdit): void {
  const seq = sequenceAt(doc, seqPath);
  const item = seq.items[index] as YamlNode | undefined;
  if (!item) throw new Error(`no entry ${index}`);
  if (edit.op === 'remove') {
    seq.items.splice(index, 1);
    // A comment above the entry may head a group of entries: it stays, above the next one.
    const next = seq.items[index] as YamlNode | undefined;
    if (item.commentBefore) {
      if (next) next.commentBefore = [item.commentBefore, next.commentBefore].filter(Boolean).join('\n');
      else seq.comment = [item.commentBefore, seq.comment].filter(Boolean).join('\n');
    }
    return;
  }
  if (edit.op === 'unset') {
    if (isMap(item)) item.delete(edit.key);
    return;
  }
  if (isMap(item)) {
    if (item.has(edit.key) || !edit.after) item.set(edit.key, edit.value);
    else {
      const position = item.items.findIndex((pair) => keyOf(pair) === edit.after);
      item.items.splice(position + 1, 0, doc.createPair(edit.key, edit.value) as Pair<unknown, unknown>);
    }
    return;
  }
  if (isScalar(item)) {
    const map = doc.createNode({ url: item.value, [edit.key]: edit.value }) as YAMLMap;
    map.commentBefore = item.commentBefore;
    map.comment = item.comment;
    map.spaceBefore = item.spaceBefore;
    if (seq.flow) map.flow = true;
    seq.items[index] = map;
    return;
  }
  throw new Error('an entry that is neither a mapping nor a single value');
}

function keyOf(pair: Pair<unknown, unknown>): unknown {
  return isScalar(pair.key) ? pair.key.value : pair.key;
}

// ── splices ─────────────────────────────────────────────────────────────────────────────────

function applySplices(source: string, splices: readonly Splice[]): string {
  let text = source;
  for (const splice of [...splices].sort((a, b) => b.start - a.start)) text = text.slice(0, splice.start) + splice.text + text.slice(splice.end);
  return text;
}

const lineStart = (text: string, at: number): number => text.lastIndexOf('\n', at - 1) + 1;
/** Index of the line's `\n` (or the end of the text). */
const lineEnd = (text: string, at: number): number => {
  const end = text.indexOf('\n', at);
  return end === -1 ? text.length : end;
};
/** Just past the line's `\n`. */
const nextLine = (text: string, at: number): number => Math.min(text.length, lineEnd(text, at) + 1);
/** Just past the last character before `end` that is not white space. */
function contentEnd(text: string, end: number): number {
  let at = end;
  while (at > 0 && /\s/.test(text[at - 1]!)) at--;
  return at;
}
const column = (text: string, at: number): number => at - lineStart(text, at);
const eolOf = (text: string): string => (text.includes('\r\n') ? '\r\n' : '\n');

function rangeOf(node: unknown): [number, number, number] {
  const range = (node as YamlNode | null)?.range;
  if (!range) throw new Error('a node without a position');
  return range;
}

/** The `-` that introduces a block sequence item, on the same line, with only spaces before it. */
function dashOf(text: string, itemStart: number): number {
  let at = itemStart - 1;
  while (at >= 0 && (text[at] === ' ' || text[at] === '\t')) at--;
  if (text[at] !== '-') throw new Error('no dash before the entry');
  if (text.slice(lineStart(text, at), at).trim() !== '') throw new Error('the dash is not first on its line');
  return at;
}

/** A value as it is written in this file: JSON, or in the quoting style of the value it replaces. */
function render(value: string | boolean, json: boolean, flow: boolean, like?: Scalar): string {
  if (typeof value === 'boolean') return String(value);
  if (json || flow || like?.type === 'QUOTE_DOUBLE') return JSON.stringify(value);
  if (like?.type === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
  const written = stringify(value, { lineWidth: 0 }).replace(/\n$/, '');
  if (written.includes('\n')) return JSON.stringify(value);
  return written;
}

const renderKey = (key: string, json: boolean): string => (json ? JSON.stringify(key) : key);

function spliceItem(text: string, seqPath: Path, index: number, edit: EntryEdit, json: boolean): Splice[] {
  const doc = parseDocument(text);
  const seq = sequenceAt(doc, seqPath);
  const item = seq.items[index];
  if (!item) throw new Error(`no entry ${index}`);
  const [start, valueEnd] = rangeOf(item);
  const eol = eolOf(text);

  if (edit.op === 'remove') {
    if (seq.flow) return [removeFromFlow(text, seq, index)];
    const from = lineStart(text, dashOf(text, start));
    const to = nextLine(text, contentEnd(text, valueEnd));
    if (seq.items.length > 1) return [{ start: from, end: to, text: '' }];
    // The last entry goes: the list is now empty, written `[]`.
    if (seqPath.length === 0) return [{ start: from, end: to, text: `[]${eol}` }];
    return [{ start: from, end: to, text: '' }, emptyListAfterKey(text, doc, seqPath)];
  }

  if (isMap(item)) {
    const pair = item.items.find((p) => keyOf(p) === edit.key);
    if (edit.op === 'unset') {
      if (!pair) return [];
      if (item.flow) return [removeFromFlow(text, item, item.items.indexOf(pair))];
      const keyStart = rangeOf(pair.key)[0];
      if (item.items[0] === pair) {
        // First, on the dash's line: removing its line would remove the dash, so the next key
        // moves up into its place ("- paused: true\n  url: x" → "- url: x").
        const second = item.items[1];
        if (!second) throw new Error('cannot remove the only key of an entry');
        return [{ start: keyStart, end: rangeOf(second.key)[0], text: '' }];
      }
      return [{ start: lineStart(text, keyStart), end: nextLine(text, contentEnd(text, rangeOf(pair.value)[1])), text: '' }];
    }
    if (edit.op !== 'set') throw new Error('unknown edit');
    if (pair) {
      const [from, to] = rangeOf(pair.value);
      return [{ start: from, end: to, text: render(edit.value, json, Boolean(item.flow), isScalar(pair.value) ? pair.value : undefined) }];
    }
    const anchor = (edit.after && item.items.find((p) => keyOf(p) === edit.after)) || item.items[item.items.length - 1];
    if (!anchor) throw new Error('an empty mapping');
    const anchorEnd = contentEnd(text, rangeOf(anchor.value ?? anchor.key)[1]);
    const entry = `${renderKey(edit.key, json)}: ${render(edit.value, json, Boolean(item.flow))}`;
    if (item.flow) {
      // `{url: x}` → `{url: x, name: y}`; a mapping over several lines gets a line of its own.
      const multiline = text.slice(rangeOf(item)[0], rangeOf(item)[1]).includes('\n');
      const indent = ' '.repeat(column(text, rangeOf(anchor.key)[0]));
      return [{ start: anchorEnd, end: anchorEnd, text: multiline ? `,${eol}${indent}${entry}` : `, ${entry}` }];
    }
    const indent = ' '.repeat(column(text, rangeOf(item.items[0]!.key)[0]));
    const at = nextLine(text, anchorEnd);
    const newline = at === text.length && !text.endsWith('\n') ? eol : '';
    return [{ start: at, end: at, text: `${newline}${indent}${entry}${eol}` }];
  }

  if (isScalar(item) && edit.op === 'set') {
    const written = text.slice(start, contentEnd(text, valueEnd));
    const entry = `${renderKey(edit.key, json)}: ${render(edit.value, json, true)}`;
    if (seq.flow) return [{ start, end: contentEnd(text, valueEnd), text: `{${renderKey('url', json)}: ${written}, ${entry}}` }];
    const indent = ' '.repeat(column(text, start));
    const at = nextLine(text, contentEnd(text, valueEnd));
    const newline = at === text.length && !text.endsWith('\n') ? eol : '';
    return [
      { start, end: start, text: `${renderKey('url', json)}: ` },
      { start: at, end: at, text: `${newline}${indent}${entry}${eol}` },
    ];
  }
  if (edit.op === 'unset') return [];
  throw new Error('an entry of an unexpected shape');
}

/** Removes item `index` of a flow collection with the comma that separates it from a neighbour. */
function removeFromFlow(text: string, collection: YAMLSeq | YAMLMap, index: number): Splice {
  const items = collection.items as unknown[];
  const bounds = (i: number): [number, number] => {
    const entry = items[i];
    if (isPairLike(entry)) return [rangeOf(entry.key)[0], contentEnd(text, rangeOf(entry.value ?? entry.key)[1])];
    const [from, to] = rangeOf(entry);
    return [from, contentEnd(text, to)];
  };
  const [from, to] = bounds(index);
  if (index + 1 < items.length) return { start: from, end: bounds(index + 1)[0], text: '' };
  if (index > 0) return { start: bounds(index - 1)[1], end: to, text: '' };
  return { start: from, end: to, text: '' };
}

function isPairLike(value: unknown): value is Pair<YamlNode, YamlNode | null> {
  return typeof value === 'object' && value !== null && 'key' in value && 'value' in value && !isScalar(value);
}

/** The last entry of a block list went: the key now holds an empty list (`feeds: []`). */
function emptyListAfterKey(text: string, doc: Document, seqPath: Path): Splice {
  const parent = seqPath.length === 1 ? doc.contents : doc.getIn(seqPath.slice(0, -1), true);
  if (!isMap(parent)) throw new Error('the list is not under a key');
  const pair = parent.items.find((p) => keyOf(p) === seqPath[seqPath.length - 1]);
  if (!pair) throw new Error('no key for the list');
  const colon = text.indexOf(':', rangeOf(pair.key)[1]);
  if (colon === -1) throw new Error('no colon after the key');
  return { start: colon + 1, end: colon + 1, text: ' []' };
}

function spliceAppend(text: string, seqPath: Path, entries: readonly Record<string, unknown>[], json: boolean): Splice[] {
  const doc = parseDocument(text);
  const seq = sequenceAt(doc, seqPath);
  const eol = eolOf(text);
  const last = seq.items[seq.items.length - 1];
  if (!last) throw new Error('an empty list: the document API writes the first entry');
  if (seq.flow) {
    const at = contentEnd(text, rangeOf(last)[1]);
    const multiline = text.slice(rangeOf(seq)[0], rangeOf(seq)[1]).includes('\n');
    const indent = ' '.repeat(column(text, rangeOf(last)[0]));
    const written = entries.map((entry) => `{${Object.entries(entry).map(([k, v]) => `${renderKey(k, json)}: ${renderValue(v, json, true)}`).join(', ')}}`);
    return [{ start: at, end: at, text: written.map((w) => (multiline ? `,${eol}${indent}${w}` : `, ${w}`)).join('') }];
  }
  const dash = dashOf(text, rangeOf(last)[0]);
  const indent = ' '.repeat(column(text, dash));
  // The keys of an entry line up after "- " the way the last mapping entry's do ("- url:" or "-   url:").
  const model = [...seq.items].reverse().find((item): item is YAMLMap => isMap(item) && !item.flow && item.items.length > 0);
  const keyColumn = model ? column(text, rangeOf(model.items[0]!.key)[0]) : column(text, dash) + 2;
  const gap = ' '.repeat(Math.max(1, keyColumn - column(text, dash) - 1));
  const at = nextLine(text, contentEnd(text, rangeOf(last)[1]));
  const newline = at === text.length && !text.endsWith('\n') ? eol : '';
  const lines = entries.map((entry) =>
    Object.entries(entry)
      .map(([k, v], i) => `${i === 0 ? `${indent}-${gap}` : ' '.repeat(keyColumn)}${renderKey(k, json)}: ${renderValue(v, json, false)}`)
      .join(eol),
  );
  return [{ start: at, end: at, text: `${newline}${lines.join(eol)}${eol}` }];
}

function renderValue(value: unknown, json: boolean, flow: boolean): string {
  if (typeof value === 'string' || typeof value === 'boolean') return render(value, json, flow);
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value);
}
