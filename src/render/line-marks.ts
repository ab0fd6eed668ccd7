/**
 * Maps lines of the MJML that Handlebars produces back to the template lines an editor wrote.
 *
 * MJML reports problems by line of the document it was given: the layout with every partial and
 * every `{{#each}}` expanded, which no editor has ever seen. So before compiling, every run of
 * literal text in each template's syntax tree gets an invisible mark naming its file and line at
 * its start and after each of its newlines. The rendered output carries the marks; stripping them
 * yields the MJML source plus, for each of its lines, the template line that wrote it. Values
 * (`{{headline}}`) belong to the line of the text before them, which is the line they sit on.
 *
 * Marks are added after Handlebars' whitespace control has run (standalone `{{#if}}` lines are
 * already removed), so they never change the output.
 */

export interface TemplateLocation {
  /** The template file, as given to `markLines`. */
  file: string;
  /** 1-based line in that file. */
  line: number;
}

/** For each line of the stripped output (index 0 = line 1), where in the templates it came from. */
export type LineMap = (TemplateLocation | undefined)[];

const START = '\u0001';
const END = '\u0002';

/** The marks of one template set: a random tag so text from feeds can never forge one. */
export interface LineMarker {
  tag: string;
  locations: TemplateLocation[];
  /** Interns a location and returns the mark to insert. */
  mark(location: TemplateLocation): string;
  pattern: RegExp;
}

export function createLineMarker(tag: string = Math.random().toString(36).slice(2, 10)): LineMarker {
  const locations: TemplateLocation[] = [];
  const index = new Map<string, number>();
  return {
    tag,
    locations,
    mark(location) {
      const key = `${location.file}\0${location.line}`;
      let id = index.get(key);
      if (id === undefined) {
        id = locations.push(location) - 1;
        index.set(key, id);
      }
      return `${START}${tag}${id}${END}`;
    },
    pattern: new RegExp(`${START}${tag}(\\d+)${END}`, 'g'),
  };
}

/** The parts of Handlebars' syntax tree this walks (its bundled types describe `original` wrongly). */
interface Node {
  type: string;
  loc?: { start: { line: number; column: number }; end: { line: number; column: number } } | null;
  body?: Node[];
  program?: Node | null;
  inverse?: Node | null;
}

interface ContentNode extends Node {
  type: 'ContentStatement';
  value: string;
  original: string;
  loc: { start: { line: number; column: number }; end: { line: number; column: number } };
}

/**
 * Compile options for a marked tree. Handlebars runs its whitespace control again on a tree it is
 * given; the marks are not whitespace, so a second standalone pass could only misjudge lines the
 * first pass already handled.
 */
export const MARKED_COMPILE_OPTIONS = { ignoreStandalone: true, preventIndent: true } as const;

/**
 * Adds line marks to every text node of a parsed (whitespace-processed) template, in place, and a
 * mark after every block and partial, so a value written right after `{{/if}}` or `{{> item}}`
 * belongs to the line it is on rather than the last line inside the block or partial.
 * Returns the same tree, for `Handlebars.compile(tree, MARKED_COMPILE_OPTIONS)`.
 */
export function markLines<T extends object>(ast: T, file: string, marker: LineMarker): T {
  const visit = (node: Node | null | undefined): void => {
    if (!node) return;
    if (node.body) {
      const body: Node[] = [];
      for (const child of node.body) {
        if (child.type === 'ContentStatement') {
          markContent(child as ContentNode, file, marker);
          body.push(child);
          continue;
        }
        visit(child);
        body.push(child);
        if (/^(Block|Partial|PartialBlock|DecoratorBlock)Statement$|^DecoratorBlock$/.test(child.type) && child.loc) {
          const mark = marker.mark({ file, line: child.loc.end.line });
          body.push({ type: 'ContentStatement', value: mark, original: '', loc: child.loc } as ContentNode);
        }
      }
      node.body = body;
    }
    visit(node.program);
    visit(node.inverse);
  };
  visit(ast as unknown as Node);
  return ast;
}

function markContent(node: ContentNode, file: string, marker: LineMarker): void {
  const { value, original } = node;
  if (value === '') return;
  // Whitespace control only removes whitespace from either end: find where `value` starts.
  let offset = 0;
  while (offset < original.length && !original.startsWith(value, offset) && /\s/.test(original[offset]!)) offset++;
  let line = node.loc.start.line + countNewlines(original, 0, offset);
  let marked = marker.mark({ file, line });
  let from = 0;
  for (let at = value.indexOf('\n'); at !== -1; at = value.indexOf('\n', at + 1)) {
    line++;
    marked += value.slice(from, at + 1) + marker.mark({ file, line });
    from = at + 1;
  }
  node.value = marked + value.slice(from);
}

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

/** Removes the marks from rendered output. */
export function removeLineMarks(text: string, marker: LineMarker): string {
  return text.includes(START) ? text.replace(marker.pattern, '') : text;
}

/**
 * Removes the marks and returns the clean text with, for each of its lines, the template location
 * of the line's first non-blank character (where MJML's reported tag starts).
 */
export function stripLineMarks(text: string, marker: LineMarker): { text: string; lines: LineMap } {
  const lines: LineMap = [];
  const out: string[] = [];
  let current: TemplateLocation | undefined;
  let lineHasContent = false;
  const addText = (chunk: string): void => {
    if (chunk === '') return;
    const parts = chunk.split('\n');
    parts.forEach((part, index) => {
      if (index > 0) {
        if (!lineHasContent) lines.push(current);
        lineHasContent = false;
      }
      if (!lineHasContent && /\S/.test(part)) {
        lines.push(current);
        lineHasContent = true;
      }
    });
    out.push(chunk);
  };
  let from = 0;
  marker.pattern.lastIndex = 0;
  for (let match = marker.pattern.exec(text); match; match = marker.pattern.exec(text)) {
    addText(text.slice(from, match.index));
    current = marker.locations[Number(match[1])];
    from = match.index + match[0].length;
  }
  addText(text.slice(from));
  if (!lineHasContent) lines.push(current);
  return { text: out.join(''), lines };
}

/** The template location of a 1-based line of the stripped output. */
export function locateLine(lines: LineMap, line: number | undefined): TemplateLocation | undefined {
  if (line === undefined || line < 1) return undefined;
  return lines[line - 1];
}
