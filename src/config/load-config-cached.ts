/**
 * Loads the config the way the `digest` command does: from a cache of the validated settings when
 * the file's text is unchanged, so that a cron job or an editor's `digest check` does not load and
 * run yaml and zod (a sixth of a small run's time) to learn again what it learned last time.
 *
 * What is cached is a function of the file's text alone: the settings as the schema validated
 * them (`ParsedConfig`), and the lines of the values resolving asked about. Everything else is
 * worked out on every load, as before: paths, feed lists and recipient files, the environment
 * (SMTP_URL, DIGEST_SECRET, …), warnings. An entry is used only when its key matches: a hash of
 * the text, of this build of the tool (`__DIGEST_BUILD_ID__`, which the start-up bundle's build
 * sets from every compiled file and the lock file) and of the Node version (the entry is stored
 * with node:v8's serializer). Without a build id, as in tests run from the sources, there is no
 * cache. A missing, unreadable or corrupt entry is a miss; a cache that cannot be written is
 * skipped. Entries live in $XDG_CACHE_HOME/newsletter-digest (default ~/.cache/…), one per config
 * file; deleting them is always safe.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { requireConfigFile } from './config-file.js';
import { isStructuredFeedList, resolveConfig, type ResolvedConfig } from './resolve-config.js';
import type { ParsedConfig } from './schema.js';
import type { LoadConfigOptions } from './load-config.js';

declare const __DIGEST_BUILD_ID__: string | undefined;

/** This build's identity, set by scripts/bundle-cli.mjs; undefined when running from the sources. */
export const BUILD_ID: string | undefined = typeof __DIGEST_BUILD_ID__ === 'string' ? __DIGEST_BUILD_ID__ : undefined;

/** Entries not written for this long are removed when another is written (an unchanged config is then read afresh once). */
const KEEP_MS = 30 * 24 * 60 * 60 * 1000;

interface CacheEntry {
  key: string;
  parsed: ParsedConfig;
  lines: Record<string, number>;
}

export interface CachedLoadOptions extends LoadConfigOptions {
  /** Read and validate the file even when an entry matches (`digest check --no-cache`); the entry is refreshed. */
  noCache?: boolean;
  /** The build whose entries to read and write; default BUILD_ID. Without one nothing is cached. */
  buildId?: string | undefined;
}

/** Where entries are kept: $XDG_CACHE_HOME/newsletter-digest, else ~/.cache/newsletter-digest. */
export function configCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const home = safeHome();
  const base = env.XDG_CACHE_HOME?.trim() || (home ? path.join(home, '.cache') : undefined);
  return base && path.isAbsolute(base) ? path.join(base, 'newsletter-digest') : undefined;
}

function safeHome(): string | undefined {
  try {
    return homedir() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The config the options name (--config, DIGEST_CONFIG, else digest.config.yaml in `cwd`), read,
 * validated and resolved: the same result, and the same errors, as loadConfig.
 */
export async function loadConfigCached(options: CachedLoadOptions = {}): Promise<ResolvedConfig> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const file = requireConfigFile({ configPath: options.configPath, cwd, env });
  const buildId = 'buildId' in options ? options.buildId : BUILD_ID;
  const dir = configCacheDir(env);
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    // The full loader reads it again and says what is wrong.
  }
  if (text === undefined || !buildId || !dir) {
    const { loadConfig } = await import('./load-config.js');
    return loadConfig({ ...options, cwd, env });
  }
  const key = createHash('sha256').update(`${buildId}\n${process.version}\n`).update(text).digest('hex');
  const entryFile = path.join(dir, `config-${createHash('sha256').update(file).digest('hex').slice(0, 24)}.v8`);
  const entry = options.noCache ? undefined : readEntry(entryFile, key);
  if (entry) {
    const needsYaml = entry.parsed.feeds.some((feed) => typeof feed === 'string' && isStructuredFeedList(feed));
    const parseStructuredFeedList = needsYaml ? (await import('./structured-feed-list.js')).parseStructuredFeedList : undefined;
    return resolveConfig(entry.parsed, {
      source: file,
      baseDir: path.dirname(file),
      env,
      cwd,
      locate: (keyPath) => entry.lines[JSON.stringify(keyPath)],
      ...(parseStructuredFeedList ? { parseStructuredFeedList } : {}),
    });
  }
  const { loadConfigText } = await import('./load-config.js');
  const loaded = loadConfigText(file, text, env, cwd);
  writeEntry(dir, entryFile, { key, parsed: loaded.parsed, lines: loaded.lines });
  return loaded.config;
}

function readEntry(file: string, key: string): CacheEntry | undefined {
  try {
    const entry = deserialize(readFileSync(file)) as Partial<CacheEntry> | null;
    if (entry?.key !== key || typeof entry.parsed !== 'object' || entry.parsed === null || !Array.isArray(entry.parsed.feeds) || typeof entry.lines !== 'object' || entry.lines === null) return undefined;
    return entry as CacheEntry;
  } catch {
    return undefined;
  }
}

function writeEntry(dir: string, file: string, entry: CacheEntry): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, serialize(entry), { mode: 0o600 });
    renameSync(temp, file);
    const now = Date.now();
    for (const name of readdirSync(dir)) {
      const other = path.join(dir, name);
      if (other !== file && now - statSync(other).mtimeMs > KEEP_MS) rmSync(other, { force: true });
    }
  } catch {
    // A cache that cannot be written (a read-only home, a full disk) only costs the next load time.
  }
}
