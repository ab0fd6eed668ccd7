import { LineCounter, parseDocument, visit, type Document, type Node as YamlNode } from 'yaml';
import { ConfigError } from '../errors.js';

/** Parses YAML (or JSON), turning a syntax error into a ConfigError with file, line and column. */
export function parseYaml(text: string, shown: string): { data: unknown; doc: Document; lineCounter: LineCounter } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const pos = lineCounter.linePos(first.pos[0]);
    throw new ConfigError('CONFIG_SYNTAX', `${shown}:${pos.line}:${pos.col}: ${yamlMessage(first.message)}`, {
      context: { file: shown, line: pos.line, column: pos.col },
      hint: 'YAML is indentation-sensitive: use spaces (not tabs), put a space after each colon, and quote values that contain ": " or start with special characters.',
    });
  }
  let data: unknown;
  try {
    // yaml refuses to expand more than 100 aliases (maxAliasCount): a "billion laughs" file.
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    let alias: YamlNode | undefined;
    visit(doc, { Alias: (_key, node) => ((alias = node as unknown as YamlNode), visit.BREAK) });
    const pos = alias?.range ? lineCounter.linePos(alias.range[0]) : undefined;
    throw new ConfigError('CONFIG_ALIASES', `${shown}${pos ? `:${pos.line}:${pos.col}` : ''}: the aliases (*name) in this file expand to too much data; it was not read`, {
      cause: error,
      context: { file: shown, ...(pos ? { line: pos.line, column: pos.col } : {}) },
      hint: 'Write the values out instead of repeating aliases: a config never needs more than a few.',
    });
  }
  return { data, doc, lineCounter };
}

function yamlMessage(message: string): string {
  // The yaml library appends a source excerpt after the first line; the location is given separately.
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}
