import { readFileSync, realpathSync, renameSync, statSync, writeFileSync, chmodSync, rmSync } from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node as YamlNode } from 'yaml';
import { ConfigError, displayPath } from '../errors.js';
import { parseYaml } from './parse-yaml.js';
import { readOpml } from './read-opml.js';
import { isFeedListEntry, resolveFeedUrl } from './resolve-config.js';
import { editSequenceItem, type EntryEdit } from './yaml-splice.js';

/**
 * `digest feeds remove | pause | unpause | rename`: find one feed in the config, or in a feed-list
 * file the config names, and change it there, keeping the file's comments and layout.
 *
 * Where a feed is written decides what can be done to it:
 * - the config, and .yaml/.yml/.json feed lists, hold the same entries (`url`, `name`, `paused`,
 *   …): every command edits them in place;
 * - a .txt list holds only addresses: `remove` deletes the line; a name or a pause has no place
 *   there, so those refuse and say how to move the feed into the config;
 * - an .opml list is another program's export (the next export from that reader would undo any
 *   edit): every command refuses, naming the file and line to change, or how to import it.
 */

export type FeedListKind = 'config' | 'yaml' | 'json' | 'opml' | 'txt';

export interface FeedPlace {
  /** The file the entry is written in (absolute). */
  file: string;
  kind: FeedListKind;
  /** Where the list is inside a YAML/JSON file (`['feeds']`, or `[]` for a list at the top). */
  seqPath: (string | number)[];
  /** Index of the entry in that list; for a .txt list, of its line. */
  index: number;
  /** 1-based line of the entry. */
  line: number;
  /** The feed's address, resolved: a URL, or an absolute path to a local file. */
  url: string;
  name?: string;
  section?: string;
  paused: boolean;
}

export interface FindFeedOptions {
  /** Titles the feeds had when last fetched (url → title), so the names `digest feeds` shows work too. */
  titles?: ReadonlyMap<string, string>;
  /** For messages: paths are shown relative to it. */
  cwd?: string;
}

/** Every feed the config lists, inline or in the feed-list files it names, where it is written. */
export function listFeedPlaces(configFile: string): FeedPlace[] {
  const text = readConfigText(configFile);
  const { doc, lineCounter } = parseYaml(text, displayPath(configFile));
  const seq = doc.get('feeds', true);
  if (seq === undefined || seq === null) return [];
  if (!isSeq(seq)) {
    throw new ConfigError('CONFIG_INVALID', `${displayPath(configFile)}: feeds: expected a list`, {
      context: { file: displayPath(configFile) },
      hint: 'Write feeds as a list: feeds:\n  - url: https://example.com/feed.xml',
    });
  }
  const baseDir = path.dirname(configFile);
  const places: FeedPlace[] = [];
  seq.items.forEach((item, index) => {
    if (isScalar(item) && typeof item.value === 'string' && isFeedListEntry(item.value)) {
      places.push(...listPlacesInFile(path.resolve(baseDir, item.value)));
      return;
    }
    const place = entryPlace(item as YamlNode, configFile, 'config', ['feeds'], index, baseDir, lineCounter);
    if (place) places.push(place);
  });
  return places;
}

function entryPlace(item: YamlNode, file: string, kind: FeedListKind, seqPath: (string | number)[], index: number, baseDir: string, lineCounter: LineCounter): FeedPlace | undefined {
  const line = item.range ? lineCounter.linePos(item.range[0]).line : 0;
  if (isScalar(item) && typeof item.value === 'string') {
    return { file, kind, seqPath, index, line, url: resolveFeedUrl(item.value.trim(), baseDir), paused: false };
  }
  if (!isMap(item)) return undefined;
  const url = item.get('url');
  if (typeof url !== 'string') return undefined;
  const name = item.get('name');
  const section = item.get('section');
  return {
    file,
    kind,
    seqPath,
    index,
    line,
    url: resolveFeedUrl(url.trim(), baseDir),
    ...(typeof name === 'string' && name.trim() ? { name: name.trim() } : {}),
    ...(typeof section === 'string' && section.trim() ? { section: section.trim() } : {}),
    paused: item.get('paused') === true,
  };
}

function listPlacesInFile(file: string): FeedPlace[] {
  const extension = path.extname(file).toLowerCase();
  const shown = displayPath(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError('CONFIG_FEED_LIST', `cannot read the feed list ${shown} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, {
      cause: error,
      context: { file: shown },
      hint: 'Check the path; relative paths are resolved against the config file’s folder.',
    });
  }
  const baseDir = path.dirname(file);
  if (extension === '.txt') {
    const places: FeedPlace[] = [];
    text.split('\n').forEach((raw, index) => {
      const url = raw.replace(/#.*$/, '').trim();
      if (url) places.push({ file, kind: 'txt', seqPath: [], index, line: index + 1, url: resolveFeedUrl(url, baseDir), paused: false });
    });
    return places;
  }
  if (extension === '.opml') {
    const feeds = readOpml(text);
    // The line of each outline, found by its xmlUrl attribute, in order.
    const lines: number[] = [];
    let line = 1;
    let counted = 0;
    for (const match of text.matchAll(/xmlUrl\s*=\s*(["'])([\s\S]*?)\1/gi)) {
      for (; counted < match.index; counted++) if (text.charCodeAt(counted) === 10) line++;
      if (match[2]!.trim()) lines.push(line);
    }
    return feeds.map((feed, index) => ({
      file,
      kind: 'opml',
      seqPath: [],
      index,
      line: lines[index] ?? 0,
      url: resolveFeedUrl(feed.url, baseDir),
      ...(feed.name ? { name: feed.name } : {}),
      ...(feed.section ? { section: feed.section } : {}),
      paused: feed.paused === true,
    }));
  }
  const { doc, lineCounter } = parseYaml(text, shown);
  const { seq, seqPath } = listIn(doc, shown);
  const places: FeedPlace[] = [];
  seq.items.forEach((item, index) => {
    const place = entryPlace(item as YamlNode, file, extension === '.json' ? 'json' : 'yaml', seqPath, index, baseDir, lineCounter);
    if (place) places.push(place);
  });
  return places;
}

/** A feed list file holds a list, or a mapping with a `feeds:` list. */
function listIn(doc: Document, shown: string): { seq: NonNullable<ReturnType<typeof asSeq>>; seqPath: (string | number)[] } {
  const top = asSeq(doc.contents);
  if (top) return { seq: top, seqPath: [] };
  const nested = asSeq(doc.get('feeds', true));
  if (nested) return { seq: nested, seqPath: ['feeds'] };
  throw new ConfigError('CONFIG_FEED_LIST', `${shown}: expected a list of feeds (or a "feeds:" key holding one)`, {
    context: { file: shown },
    hint: 'Write one entry per feed, e.g.\n  - url: https://example.com/feed.xml\n    name: Example',
  });
}

function asSeq(node: unknown) {
  return isSeq(node) ? node : undefined;
}

// ── finding a feed by name or address ───────────────────────────────────────────────────────

/** An address compared loosely: scheme, `www.`, case of the host and a trailing slash do not matter. */
function looseUrl(url: string): string {
  return url.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/^www\./i, '').replace(/\/+$/, '').toLowerCase();
}

function looseName(name: string): string {
  return name.normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase();
}

export interface FeedCandidate {
  url: string;
  name?: string;
}

/**
 * The feed `query` means among `candidates`: an address (exact, the same path, or the same
 * address written differently), else a name (the configured one, or the title it was last
 * fetched with), in any case. Returns every candidate with that feed's address (a feed listed
 * twice is found in both places). Throws when nothing, or more than one feed, matches.
 */
export function findFeedByQuery<T extends FeedCandidate>(candidates: readonly T[], query: string, options: FindFeedOptions & { where: string }): T[] {
  const wanted = query.trim();
  if (!wanted) throw new ConfigError('FEED_NOT_FOUND', 'no feed given: name one by its name or address', { hint: '`digest feeds` lists the feeds with their names and addresses.' });
  const title = (c: T): string | undefined => options.titles?.get(c.url);
  const local = path.resolve(options.cwd ?? process.cwd(), wanted);
  const passes: ((c: T) => boolean)[] = [
    (c) => c.url === wanted || c.url === local,
    (c) => looseUrl(c.url) === looseUrl(wanted),
    (c) => [c.name, title(c)].some((name) => name !== undefined && looseName(name) === looseName(wanted)),
  ];
  for (const pass of passes) {
    const found = candidates.filter(pass);
    const urls = [...new Set(found.map((c) => c.url))];
    if (urls.length === 1) return candidates.filter((c) => c.url === urls[0]);
    if (urls.length > 1) {
      throw new ConfigError('FEED_AMBIGUOUS', `"${wanted}" matches ${urls.length} feeds in ${options.where}:\n${urls.map((url) => `  ${describe(found.find((c) => c.url === url)!, title)}`).join('\n')}`, {
        context: { feed: wanted },
        hint: 'Give the feed’s address instead of its name.',
      });
    }
  }
  const part = looseName(wanted);
  const near = [...new Map(candidates.filter((c) => [c.url, c.name, title(c)].some((v) => v !== undefined && looseName(v).includes(part))).map((c) => [c.url, c])).values()];
  throw new ConfigError('FEED_NOT_FOUND', `no feed named or at "${wanted}" in ${options.where}`, {
    context: { feed: wanted },
    hint: near.length > 0 && near.length <= 5
      ? `Did you mean ${near.map((c) => describe(c, title)).join(', or ')}? Give the whole name or the address.`
      : '`digest feeds` lists the feeds with their names and addresses.',
  });
}

function describe<T extends FeedCandidate>(candidate: T, title: (c: T) => string | undefined): string {
  const name = candidate.name ?? title(candidate);
  return name ? `"${name}" (${candidate.url})` : candidate.url;
}

// ── the edits ───────────────────────────────────────────────────────────────────────────────

export interface FeedEditResult {
  /** Where the feed was (for `remove`: every place it was listed). */
  places: FeedPlace[];
  /** Files written. */
  files: string[];
  /** False when nothing needed changing (pausing a paused feed). */
  changed: boolean;
  /** False when a file's layout could not be kept (it was re-written by the yaml library). */
  layoutKept: boolean;
  /** For rename: the name before. */
  previousName?: string;
}

function locate(configFile: string, query: string, options: FindFeedOptions): FeedPlace[] {
  return findFeedByQuery(listFeedPlaces(configFile), query, { ...options, where: displayPath(configFile, options.cwd) });
}

/** Removes the feed from every place it is listed. Its history in the state is kept. */
export function removeFeed(configFile: string, query: string, options: FindFeedOptions = {}): FeedEditResult {
  const places = locate(configFile, query, options);
  for (const place of places) refuseIn(place, 'remove');
  let layoutKept = true;
  // Highest index first, so the earlier entries of a file keep their index.
  for (const place of [...places].sort((a, b) => b.index - a.index)) {
    if (place.kind === 'txt') {
      const lines = readFileSync(place.file, 'utf8').split('\n');
      lines.splice(place.index, 1);
      replaceFile(place.file, lines.join('\n'));
      continue;
    }
    layoutKept = editEntry(place, { op: 'remove' }) && layoutKept;
  }
  return { places, files: [...new Set(places.map((p) => p.file))], changed: true, layoutKept };
}

/** Marks the feed paused (not fetched) or active again. */
export function setFeedPaused(configFile: string, query: string, paused: boolean, options: FindFeedOptions = {}): FeedEditResult {
  const place = locate(configFile, query, options)[0]!;
  if (place.paused === paused) return { places: [place], files: [], changed: false, layoutKept: true };
  refuseIn(place, paused ? 'pause' : 'unpause');
  const layoutKept = editEntry(place, paused ? { op: 'set', key: 'paused', value: true } : { op: 'unset', key: 'paused' });
  return { places: [place], files: [place.file], changed: true, layoutKept };
}

/** Gives the feed a display name (its byline in the digest). */
export function renameFeed(configFile: string, query: string, name: string, options: FindFeedOptions = {}): FeedEditResult {
  const newName = name.replace(/\s+/g, ' ').trim();
  if (!newName) throw new ConfigError('FEED_NAME_EMPTY', 'the new name is empty', { hint: 'Give the name in quotes: digest feeds rename "Old name" "New name"' });
  const place = locate(configFile, query, options)[0]!;
  const previousName = place.name ?? options.titles?.get(place.url);
  if (place.name === newName) return { places: [place], files: [], changed: false, layoutKept: true, ...(previousName ? { previousName } : {}) };
  refuseIn(place, 'rename');
  const layoutKept = editEntry(place, { op: 'set', key: 'name', value: newName, after: 'url' });
  return { places: [place], files: [place.file], changed: true, layoutKept, ...(previousName ? { previousName } : {}) };
}

/** Feeds in .opml lists, and names or pauses in .txt lists, cannot be written: say what to do. */
function refuseIn(place: FeedPlace, action: 'remove' | 'pause' | 'unpause' | 'rename'): void {
  const shown = displayPath(place.file);
  const where = `${shown}:${place.line}`;
  if (place.kind === 'opml') {
    throw new ConfigError('FEED_IN_OPML', `${place.url} is listed in ${where}, an OPML file; this command does not rewrite OPML files`, {
      context: { file: shown, line: place.line, feed: place.url },
      hint: action === 'remove'
        ? `Delete its <outline> at line ${place.line} of ${shown} (or unsubscribe in the feed reader it came from and export again).`
        : `To ${action} it, move your subscriptions into the config: \`digest feeds import ${shown}\`, then remove the "${shown}" line from \`feeds:\`. Or edit line ${place.line} of ${shown} by hand${action === 'rename' ? ' (its text and title attributes)' : action === 'pause' ? ' (add isComment="true")' : ' (remove isComment="true")'}.`,
    });
  }
  if (place.kind === 'txt' && action !== 'remove') {
    throw new ConfigError('FEED_IN_TXT', `${place.url} is listed in ${where}, a list of addresses only: it has no place for a ${action === 'rename' ? 'name' : 'pause mark'}`, {
      context: { file: shown, line: place.line, feed: place.url },
      hint: `Move it into the config: \`digest feeds remove ${place.url}\`, then \`digest feeds add ${place.url}${action === 'rename' ? ' --name "…"' : ''}\`.${action === 'pause' ? ` Or put # before line ${place.line} of ${shown} to stop fetching it.` : ''}`,
    });
  }
}

function editEntry(place: FeedPlace, edit: EntryEdit): boolean {
  const text = readFileSync(place.file, 'utf8');
  const result = editSequenceItem(text, place.seqPath, place.index, edit, { json: place.kind === 'json' });
  replaceFile(place.file, place.kind === 'json' && !result.layoutKept ? `${JSON.stringify(parseYaml(result.text, place.file).data, null, 2)}\n` : result.text);
  return result.layoutKept;
}

function readConfigText(configFile: string): string {
  try {
    return readFileSync(configFile, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(code === 'ENOENT' ? 'CONFIG_NOT_FOUND' : 'CONFIG_UNREADABLE', `${displayPath(configFile)}: ${code === 'ENOENT' ? 'config file not found' : `cannot read the config file (${code ?? 'error'})`}`, {
      cause: error,
      context: { file: displayPath(configFile) },
      hint: code === 'ENOENT' ? 'Run the command in the folder of your digest.config.yaml, or give --config FILE.' : 'Check the file permissions.',
    });
  }
}

/**
 * Writes `file` whole or not at all (a new file renamed over the old one), keeping its
 * permissions; a symbolic link keeps pointing at the file it names, which is the one changed.
 */
export function replaceFile(file: string, text: string): void {
  let target = file;
  let mode: number | undefined;
  try {
    target = realpathSync(file);
    mode = statSync(target).mode & 0o7777;
  } catch {
    // A new file.
  }
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, text, { mode: mode ?? 0o644 });
    if (mode !== undefined) chmodSync(temporary, mode);
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new ConfigError('CONFIG_WRITE', `cannot write ${displayPath(target)}: ${(error as Error).message}`, {
      cause: error,
      context: { file: displayPath(target) },
      hint: 'Check that the file and its folder are writable. The file was not changed.',
    });
  }
}
