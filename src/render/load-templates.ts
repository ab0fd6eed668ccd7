import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type Handlebars from 'handlebars';
import { displayPath, TemplateError } from '../errors.js';
import { helpers } from './helpers.js';
import { createLineMarker, markLines, MARKED_COMPILE_OPTIONS, type LineMarker } from './line-marks.js';

// Handlebars loads when templates are first compiled, not with every command that imports this module.
const require = createRequire(import.meta.url);
const loadHandlebars = (): typeof Handlebars => require('handlebars') as typeof Handlebars;

/** The files a template set must have, and what each one makes. */
export const TEMPLATE_FILES = {
  layout: 'layout.mjml.hbs',
  subject: 'subject.hbs',
  preheader: 'preheader.hbs',
  text: 'text.hbs',
} as const;

export type TemplateName = keyof typeof TEMPLATE_FILES;

export interface TemplateSet {
  dir: string;
  /** Every file of the set, by path, with its source: for error locations and the preview. */
  sources: Map<string, string>;
  /** Compiled entry templates. */
  render: Record<TemplateName, Handlebars.TemplateDelegate>;
  /** Partial names → file path. */
  partials: Map<string, string>;
  /** The isolated Handlebars environment the HTML layout was compiled in. */
  handlebars: typeof Handlebars;
  /** The layout's output carries line marks (see line-marks.ts); this reads and removes them. */
  lineMarker: LineMarker;
  /** Each file's parsed template, to find where a missing partial or helper is used. */
  trees: Map<string, object>;
}

export interface LoadTemplatesOptions {
  /** A folder of partials that add to, or replace, the theme's own (config `partials`). */
  extraPartialsDir?: string | undefined;
}

/**
 * Loads a template set: the four entry templates and every partial under partials/ (and the
 * extra partials folder). Each file is parsed up front so a syntax error is reported with its
 * file and line before anything renders.
 *
 * The HTML layout and its partials are compiled with line marks, so MJML's complaints can be
 * traced back to the template line; subject, preheader and text are plain text (no HTML
 * escaping) and compiled in a second environment, so a partial shared by both is compiled for
 * each with the right escaping.
 */
export function loadTemplates(dir: string, options: LoadTemplatesOptions = {}): TemplateSet {
  const handlebars = loadHandlebars();
  const html = handlebars.create();
  const plain = handlebars.create();
  for (const env of [html, plain]) {
    for (const [name, helper] of Object.entries(helpers)) env.registerHelper(name, helper as Handlebars.HelperDelegate);
  }
  const lineMarker = createLineMarker();
  const sources = new Map<string, string>();
  const partials = new Map<string, string>();
  const trees = new Map<string, object>();

  const partialDirs = [path.join(dir, 'partials')];
  if (options.extraPartialsDir) {
    if (!existsSync(options.extraPartialsDir)) {
      throw new TemplateError('TEMPLATE_PARTIALS_MISSING', `${displayPath(options.extraPartialsDir)}: the partials folder does not exist`, {
        context: { file: displayPath(options.extraPartialsDir) },
        hint: 'Check the `partials` setting in the config; relative paths are resolved against the config file’s folder.',
      });
    }
    partialDirs.push(options.extraPartialsDir);
  }
  for (const partialDir of partialDirs) {
    if (!existsSync(partialDir)) continue;
    for (const entry of readdirSync(partialDir).sort()) {
      if (!/\.(hbs|handlebars|mjml)$/.test(entry)) continue;
      const file = path.join(partialDir, entry);
      const source = readTemplate(file);
      const tree = parseTemplate(html, source, file);
      sources.set(file, source);
      trees.set(file, tree);
      const name = entry.replace(/\.(mjml\.)?(hbs|handlebars|mjml)$/, '');
      partials.set(name, file);
      html.registerPartial(name, html.compile(markLines(tree, file, lineMarker), MARKED_COMPILE_OPTIONS));
      plain.registerPartial(name, source);
    }
  }

  const render = {} as Record<TemplateName, Handlebars.TemplateDelegate>;
  for (const [name, fileName] of Object.entries(TEMPLATE_FILES) as [TemplateName, string][]) {
    const file = path.join(dir, fileName);
    if (!existsSync(file)) {
      throw new TemplateError('TEMPLATE_MISSING', `${displayPath(file)}: the template set has no ${fileName}`, {
        context: { file: displayPath(file) },
        hint: `A template set needs ${Object.values(TEMPLATE_FILES).join(', ')}; copy the missing file from templates/default/.`,
      });
    }
    const source = readTemplate(file);
    const tree = parseTemplate(html, source, file);
    sources.set(file, source);
    trees.set(file, tree);
    // Only the HTML layout is HTML-escaped; subject, preheader and text are plain text.
    render[name] =
      name === 'layout'
        ? html.compile(markLines(tree, file, lineMarker), MARKED_COMPILE_OPTIONS)
        : plain.compile(source, { noEscape: true, preventIndent: true });
  }
  return { dir, sources, render, partials, handlebars: html, lineMarker, trees };
}

function readTemplate(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new TemplateError('TEMPLATE_UNREADABLE', `${displayPath(file)}: cannot read the template (${(error as NodeJS.ErrnoException).code ?? 'error'})`, {
      cause: error,
      context: { file: displayPath(file) },
    });
  }
}

/** Parses a template, turning Handlebars' parser message into file:line. */
function parseTemplate(hbs: typeof Handlebars, source: string, file: string): object {
  try {
    return hbs.parse(source);
  } catch (error) {
    throw templateSyntaxError(error, file, source);
  }
}

export function templateSyntaxError(error: unknown, file: string, source = ''): TemplateError {
  const raw = error instanceof Error ? error.message : String(error);
  const located = error as { lineNumber?: number; column?: number };
  const lineMatch = /(?:on line |- )(\d+)(?::(\d+))?/.exec(raw);
  const unclosed = /got 'EOF'/.test(raw) ? findUnclosedBlock(source) : undefined;
  const line = unclosed?.line ?? located.lineNumber ?? (lineMatch ? Number(lineMatch[1]) : undefined);
  const column = located.column !== undefined ? located.column + 1 : lineMatch?.[2] ? Number(lineMatch[2]) + 1 : undefined;
  const shown = displayPath(file);
  const description = unclosed ? `{{#${unclosed.name}}} is never closed: add {{/${unclosed.name}}} where the block should end` : describeHandlebarsError(raw);
  return new TemplateError('TEMPLATE_SYNTAX', `${shown}${line ? `:${line}` : ''}: ${description}`, {
    cause: error,
    context: { file: shown, ...(line ? { line } : {}), ...(column ? { column } : {}) },
    hint: 'Check that every {{#if}}, {{#each}} and {{#unless}} has its matching {{/if}}, {{/each}} or {{/unless}}, and that every {{ has its }}.',
  });
}

/** The innermost block opened with {{#name}} and never closed, with its line. */
function findUnclosedBlock(source: string): { name: string; line: number } | undefined {
  const stack: { name: string; line: number }[] = [];
  const tag = /\{\{~?\s*([#/^])\s*>?\s*([\w.-]+)/g;
  for (const match of source.matchAll(tag)) {
    const line = source.slice(0, match.index).split('\n').length;
    if (match[1] === '#') stack.push({ name: match[2]!, line });
    else if (match[1] === '/') stack.pop();
  }
  return stack[stack.length - 1];
}

/** Handlebars' parser messages are written for programmers; say the same in editors' words. */
function describeHandlebarsError(raw: string): string {
  const mismatch = /^(\S+) doesn't match (\S+)/.exec(raw);
  if (mismatch) return `{{/${mismatch[2]}}} closes a block that was opened as {{#${mismatch[1]}}}`;
  const expecting = /Expecting (.+), got '([^']+)'/.exec(raw);
  if (expecting) {
    const got = expecting[2] === 'EOF' ? 'the end of the file' : `'${expecting[2]}'`;
    const excerpt = raw.split('\n').slice(1, 3).join('\n');
    return `template syntax error: unexpected ${got} (a block or {{ }} tag is not closed?)${excerpt ? `\n${excerpt}` : ''}`;
  }
  return raw.split('\n')[0]!;
}
