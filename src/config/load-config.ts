import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isSeq, type Document, type LineCounter, type Node as YamlNode } from 'yaml';
import { parseYaml } from './parse-yaml.js';
import { ConfigError, displayPath } from '../errors.js';
import { configSchema, feedSchema, type ParsedConfig } from './schema.js';
import { formatIssues, formatPath } from './format-issues.js';
import { resolveConfig, type ResolvedConfig } from './resolve-config.js';
import { parseStructuredFeedList } from './structured-feed-list.js';
import { PACKAGE_DIR } from './package-dir.js';
import { DEFAULT_CONFIG_FILE, requireConfigFile } from './config-file.js';

export { DEFAULT_CONFIG_FILE };

export interface LoadConfigOptions {
  /** Explicit config path (`--config`); when absent, DIGEST_CONFIG, else `digest.config.yaml` in `cwd`. */
  configPath?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * The sample configuration: the bundled sample feeds, two example.com readers, an outbox and a
 * preview in ./out, state in ./.digest. `digest.config.yaml` in the repository is the same
 * configuration written out with comments. Only `sampleConfig` uses it: a missing config file
 * is an error, never this.
 */
export function defaultRawConfig(): Record<string, unknown> {
  return {
    title: 'Morning Digest',
    tagline: 'The stories worth your time, every morning',
    from: 'Morning Digest <digest@example.com>',
    recipients: [
      { email: 'reader@example.com', name: 'Sam Reader' },
      { email: 'editor@example.com', name: 'Alex Editor' },
    ],
    // The bundled sample feeds are dated November 2026 and never change: no age limit for them,
    // so the sample digest works whenever it is tried (real feeds get limits.maxAgeDays).
    feeds: [
      { url: path.join(PACKAGE_DIR, 'feeds/world-news.rss.xml'), name: 'World Desk', section: 'World', maxAgeDays: 0, priority: 1 },
      { url: path.join(PACKAGE_DIR, 'feeds/science-notes.atom.xml'), name: 'Science Notes', section: 'Science', maxAgeDays: 0 },
      { url: path.join(PACKAGE_DIR, 'feeds/city-culture.json'), name: 'City & Culture', section: 'Culture', maxAgeDays: 0 },
    ],
  };
}

/**
 * The sample setup resolved against `cwd` (out and state there), for programs and tests that
 * want a working configuration without a file. The CLI never uses it.
 */
export function sampleConfig(options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): ResolvedConfig {
  const cwd = options.cwd ?? process.cwd();
  const parsed = validateConfig(defaultRawConfig(), { file: '(sample setup)' });
  return resolveConfig(parsed, { source: null, baseDir: cwd, env: options.env ?? process.env, cwd, parseStructuredFeedList });
}

/**
 * Reads, validates and resolves the configuration: the file named by `configPath` or DIGEST_CONFIG,
 * else digest.config.yaml in `cwd`. Without one it throws CONFIG_MISSING (naming the folder and
 * `digest init`); a broken one, a ConfigError naming file, line and key.
 */
export function loadConfig(options: LoadConfigOptions = {}): ResolvedConfig {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const file = requireConfigFile({ configPath: options.configPath, cwd, env });
  return loadConfigFile(file, env, cwd);
}

function loadConfigFile(file: string, env: NodeJS.ProcessEnv, cwd: string): ResolvedConfig {
  const shown = displayPath(file, cwd);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      code === 'ENOENT' ? 'CONFIG_NOT_FOUND' : 'CONFIG_UNREADABLE',
      code === 'ENOENT' ? `${shown}: config file not found` : `${shown}: cannot read the config file (${code ?? 'error'})`,
      {
        cause: error,
        context: { file: shown },
        hint:
          code === 'ENOENT'
            ? `Check the path given to --config (or DIGEST_CONFIG), or run \`digest init\` to write a starter ${DEFAULT_CONFIG_FILE}.`
            : 'Check the file permissions.',
      },
    );
  }
  return loadConfigText(file, text, env, cwd).config;
}

/** What loading a config's text gave: the resolved config, and what the config cache keeps of it. */
export interface LoadedConfigText {
  config: ResolvedConfig;
  /** The file's settings as validated: a function of its text alone. */
  parsed: ParsedConfig;
  /** The lines resolving asked for (recipients' lines, for messages), by JSON key path. */
  lines: Record<string, number>;
}

/** Parses, validates and resolves a config file's text (read by the caller). */
export function loadConfigText(file: string, text: string, env: NodeJS.ProcessEnv, cwd: string): LoadedConfigText {
  const shown = displayPath(file, cwd);
  const { data, doc, lineCounter } = parseYaml(text, shown);
  const parsed = validateConfig(data ?? {}, { file: shown, doc, lineCounter });
  const lines: Record<string, number> = {};
  const locate = (keyPath: ReadonlyArray<PropertyKey>) => {
    const line = lineOf(doc, lineCounter, keyPath);
    if (line !== undefined) lines[JSON.stringify(keyPath)] = line;
    return line;
  };
  const config = resolveConfig(parsed, { source: file, baseDir: path.dirname(file), env, cwd, locate, parseStructuredFeedList });
  return { config, parsed, lines };
}

interface ValidateContext {
  file: string;
  doc?: Document;
  lineCounter?: LineCounter;
}

const knownKeys = (issuePath: ReadonlyArray<PropertyKey>): readonly string[] => {
  // Walk the schema shape along the path to list the keys allowed at that level.
  if (issuePath[0] === 'feeds') return Object.keys(feedSchema.shape);
  let shape: Record<string, unknown> = configSchema.shape;
  for (const key of issuePath) {
    const next = shape[String(key)] as { def?: { innerType?: { shape?: Record<string, unknown> } }; shape?: Record<string, unknown> } | undefined;
    const inner = next?.shape ?? next?.def?.innerType?.shape;
    if (!inner) break;
    shape = inner;
  }
  return Object.keys(shape);
};

export function validateConfig(data: unknown, context: ValidateContext): ParsedConfig {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError('CONFIG_INVALID', `${context.file}: expected a mapping of settings (title: ..., feeds: ...), got ${Array.isArray(data) ? 'a list' : typeof data}`, {
      context: { file: context.file },
      hint: `See the configuration reference in README.md, or start from the ${DEFAULT_CONFIG_FILE} in the repository.`,
    });
  }
  const result = configSchema.safeParse(data);
  if (result.success) return result.data;

  const issues = formatIssues(result.error.issues, data, knownKeys);
  const lines = issues.map((issue) => {
    const line = context.doc && context.lineCounter ? lineOf(context.doc, context.lineCounter, issue.path) : undefined;
    const where = line === undefined ? context.file : `${context.file}:${line}`;
    return `${where}: ${formatPath(issue.path) || '(top level)'}: ${issue.message}`;
  });
  const firstLine = context.doc && context.lineCounter && issues[0] ? lineOf(context.doc, context.lineCounter, issues[0].path) : undefined;
  throw new ConfigError('CONFIG_INVALID', lines.join('\n'), {
    context: { file: context.file, ...(firstLine === undefined ? {} : { line: firstLine }) },
    hint: 'Fix the setting named above; README.md lists every setting with an example.',
  });
}

/** The line of the YAML node at `keyPath`, or of its nearest existing ancestor. */
function lineOf(doc: Document, lineCounter: LineCounter, keyPath: ReadonlyArray<PropertyKey>): number | undefined {
  for (let depth = keyPath.length; depth >= 0; depth--) {
    const sub = keyPath.slice(0, depth);
    let node: unknown;
    if (depth === keyPath.length && depth > 0) {
      // For an unknown key, point at the key itself.
      const parent = sub.length > 1 ? doc.getIn(sub.slice(0, -1), true) : doc.contents;
      if (isMap(parent)) {
        const pair = parent.items.find((p) => (p.key as { value?: unknown } | null)?.value === sub[sub.length - 1]);
        if (pair?.key && typeof pair.key === 'object' && 'range' in pair.key) node = pair.key;
      }
    }
    node ??= depth === 0 ? doc.contents : doc.getIn(sub, true);
    const range = (node as YamlNode | undefined)?.range;
    if (range) return lineCounter.linePos(range[0]).line;
    if (isSeq(node) || isMap(node)) continue;
  }
  return undefined;
}
