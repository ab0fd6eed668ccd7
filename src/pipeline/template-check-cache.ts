/**
 * `digest check` remembers which template sets passed, keyed by everything their check depends on,
 * so an unchanged set is not rendered again: loading MJML alone costs most of a second, and editors
 * run `digest check` after every config edit. The key covers every file of the set and of the
 * `partials` folder, the render settings, the sample digest, and the versions of this tool and of
 * MJML; a change to any of them checks the set again. `digest check --no-cache` always does.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PACKAGE_DIR } from '../config/package-dir.js';

/** What the check found for one template set: stored whole, shown again on a hit. */
export interface TemplateCheckItem {
  what: string;
  ok: boolean;
  detail: string;
  warning?: boolean;
}

export interface TemplateCheckRecord {
  checkedAt: string;
  items: TemplateCheckItem[];
}

/** Sets checked most recently; older entries are dropped. */
const KEEP = 20;

function packageVersion(file: string): string {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? '?';
  } catch {
    return '?';
  }
}

function mjmlVersion(): string {
  try {
    return packageVersion(createRequire(import.meta.url).resolve('mjml/package.json'));
  } catch {
    return '?';
  }
}

/** Every regular file under `dir`, sorted, as [relative path, content hash]. */
function fileHashes(dir: string | undefined): [string, string][] {
  if (!dir || !existsSync(dir)) return [];
  const out: [string, string][] = [];
  const walk = (current: string): void => {
    for (const name of readdirSync(current).sort()) {
      const file = path.join(current, name);
      const stat = statSync(file);
      if (stat.isDirectory()) walk(file);
      else if (stat.isFile()) out.push([path.relative(dir, file), createHash('sha256').update(readFileSync(file)).digest('hex')]);
    }
  };
  walk(dir);
  return out;
}

/** The key of one template set's check: a change to anything the check reads gives another key. */
export function templateCheckKey(input: { dir: string; partialsDir?: string | undefined; settings: unknown; sample: unknown }): string {
  return createHash('sha256')
    .update(
      JSON.stringify({
        tool: packageVersion(path.join(PACKAGE_DIR, 'package.json')),
        mjml: mjmlVersion(),
        dir: path.resolve(input.dir),
        files: fileHashes(input.dir),
        partials: fileHashes(input.partialsDir),
        settings: input.settings,
        sample: input.sample,
      }),
    )
    .digest('hex');
}

export interface TemplateCheckCache {
  get(key: string): TemplateCheckRecord | undefined;
  set(key: string, record: TemplateCheckRecord): void;
  /** Writes the cache back; a folder that cannot be written only costs the next check its speed. */
  save(): void;
}

/**
 * The cache file beside the state file (`.digest/check-cache.json`); a missing or broken one is
 * empty. Without a file (an in-memory state), nothing is remembered.
 */
export function openTemplateCheckCache(file: string | undefined): TemplateCheckCache {
  let entries: [string, TemplateCheckRecord][] = [];
  try {
    const parsed = file ? (JSON.parse(readFileSync(file, 'utf8')) as unknown) : [];
    if (Array.isArray(parsed)) entries = parsed.filter((e): e is [string, TemplateCheckRecord] => Array.isArray(e) && typeof e[0] === 'string' && Array.isArray(e[1]?.items));
  } catch {
    entries = [];
  }
  const map = new Map(entries);
  let dirty = false;
  return {
    get: (key) => map.get(key),
    set(key, record) {
      map.delete(key);
      map.set(key, record);
      dirty = true;
    },
    save() {
      if (!dirty || !file) return;
      try {
        mkdirSync(path.dirname(file), { recursive: true });
        const temporary = `${file}.${process.pid}.tmp`;
        writeFileSync(temporary, JSON.stringify([...map].slice(-KEEP)));
        renameSync(temporary, file);
      } catch {
        // Read-only or full: the next check renders the templates again, nothing else changes.
      }
    },
  };
}
