import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { readCsvRows } from './read-csv.js';
import path from 'node:path';
import { ConfigError, displayPath } from '../errors.js';
import { TokenSigner } from '../tokens/tokens.js';
import type { FeedSource } from '../types.js';
import type { ParsedConfig } from './schema.js';
import { addressProblem, feedUrlProblem, redisUrlProblem } from './value-checks.js';
import type { StructuredFeedListParser } from './structured-feed-list.js';
import { PACKAGE_DIR } from './package-dir.js';
import { readOpmlChecked } from './read-opml.js';

export interface Recipient {
  email: string;
  name?: string;
  /** Extra CSV columns / config keys, usable in templates as `recipient.<field>`. */
  fields: Record<string, string>;
}

/** The configuration with every path absolute, every list expanded and every default applied. */
export interface ResolvedConfig extends Omit<ParsedConfig, 'feeds' | 'recipients' | 'out' | 'state' | 'template' | 'partials'> {
  /** The config file read, or null for the built-in defaults. */
  source: string | null;
  /** Folder relative paths in the config are resolved against. */
  baseDir: string;
  /** The feeds to fetch: every configured feed except the paused ones. */
  feeds: FeedSource[];
  /** Feeds marked `paused: true`: listed by `digest feeds`, never fetched. */
  pausedFeeds: FeedSource[];
  /** The feed-list files named under `feeds:` (the preview server watches them). */
  feedLists: string[];
  recipients: Recipient[];
  outDir: string;
  statePath: string;
  /** The template set's folder. */
  templateDir: string;
  /** Which template set (the `template` setting as written). */
  template: string;
  /** The extra partials folder (`partials`), when set. */
  partialsDir: string | undefined;
  /** SMTP connection URL from the environment (SMTP_URL); never from the file. */
  smtpUrl: string | undefined;
  /**
   * `delivery.transport` with `auto` read from the environment now (smtp when SMTP_URL is set).
   * A run does not use this: it decides once and records it (deliver/decide-transport.ts).
   */
  transport: 'outbox' | 'smtp';
  /**
   * The delivery queue's Redis (DIGEST_QUEUE_URL, else `delivery.queue`): when set, `digest run`
   * enqueues one job per reader for `digest worker` processes instead of sending itself.
   */
  queueUrl: string | undefined;
  /**
   * Signs and checks reader links, from DIGEST_SECRET (and DIGEST_SECRET_PREVIOUS); undefined
   * when it is not set. Holds the secret in private fields: nothing prints or serialises it.
   */
  readerTokens: TokenSigner | undefined;
  /** The shared secret of `POST /webhooks/bounce` (DIGEST_WEBHOOK_SECRET); the endpoint is off without it. */
  webhookSecret: string | undefined;
  /** Problems that do not stop a run (a bad recipient address), for the summary. */
  warnings: string[];
  /** Of the warnings, the recipients skipped because their address is unusable (`digest check` fails on them). */
  skippedRecipients: string[];
}

export interface ResolveOptions {
  source: string | null;
  baseDir: string;
  env: NodeJS.ProcessEnv;
  /** For messages: paths are shown relative to it. */
  cwd?: string;
  /** The line in the config file of the value at a key path, for messages. */
  locate?: (keyPath: ReadonlyArray<PropertyKey>) => number | undefined;
  /**
   * Reads a YAML or JSON feed list (structured-feed-list.ts). Needed only when `feeds:` names
   * one: it brings yaml and zod, which a config loaded from the cache does not otherwise load.
   */
  parseStructuredFeedList?: StructuredFeedListParser;
}

export const FEED_LIST_EXTENSIONS = new Set(['.yaml', '.yml', '.json', '.opml', '.txt']);

export function resolveConfig(parsed: ParsedConfig, options: ResolveOptions): ResolvedConfig {
  const { baseDir, env } = options;
  const shown = (p: string) => displayPath(p, options.cwd);
  const file = options.source ? shown(options.source) : '(built-in defaults)';
  const warnings: string[] = [];

  const feedLists: string[] = [];
  const configured = resolveFeeds(parsed.feeds, baseDir, file, shown, feedLists, warnings, options.parseStructuredFeedList);
  const skippedRecipients: string[] = [];
  const recipients = resolveRecipients(parsed.recipients, baseDir, file, warnings, shown, options, skippedRecipients);
  const templateDir = resolveTemplateDir(parsed.template, baseDir, file, shown);
  const partialsDir = parsed.partials === undefined ? undefined : resolvePartialsDir(parsed.partials, baseDir, file, shown);

  // delivery.transport: smtp without SMTP_URL is refused by whatever would send (a run, a test
  // send) before it fetches anything, and failed by `digest check`; previews do not need it.
  const smtpUrl = env.SMTP_URL?.trim() || undefined;
  if (smtpUrl) validateSmtpUrl(smtpUrl);
  const transport = parsed.delivery.transport === 'auto' ? (smtpUrl ? 'smtp' : 'outbox') : parsed.delivery.transport;
  const queueFromEnv = env.DIGEST_QUEUE_URL?.trim() || undefined;
  if (queueFromEnv) {
    const problem = redisUrlProblem(queueFromEnv);
    if (problem) throw new ConfigError('CONFIG_QUEUE_URL', `DIGEST_QUEUE_URL: ${problem}`, { hint: 'Write it as redis://host:6379 (redis://:password@host:6379 with a password, rediss://… for TLS), or unset it to send from this process.' });
  }

  const web = { ...parsed.web, ...(parsed.web.baseUrl ? { baseUrl: parsed.web.baseUrl.replace(/\/+$/, '') } : {}) };
  if (web.baseUrl && parsed.unsubscribeUrl) {
    throw new ConfigError('CONFIG_UNSUBSCRIBE_TWICE', `${file}: both unsubscribeUrl and web.baseUrl are set, so it is unclear who handles unsubscribes`, {
      context: { file },
      hint: `With web.baseUrl, \`digest web\` handles them at ${web.baseUrl}/unsubscribe with signed links: remove unsubscribeUrl. Keep unsubscribeUrl (and remove web.baseUrl) only if a program of your own handles them.`,
    });
  }
  if (web.baseUrl?.startsWith('http://') && !/^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:|$|\/)/.test(web.baseUrl)) {
    warnings.push(`web.baseUrl is ${web.baseUrl}: mailbox providers only offer one-click unsubscribe for https addresses, and links would travel unencrypted; put digest web behind a reverse proxy with TLS and use https://`);
  }
  const readerTokens = TokenSigner.fromEnv(env);
  const webhookSecret = env.DIGEST_WEBHOOK_SECRET?.trim() || undefined;
  if (webhookSecret && webhookSecret.length < 24) {
    throw new ConfigError('CONFIG_SECRET', `DIGEST_WEBHOOK_SECRET is too short (${webhookSecret.length} characters; at least 24 are needed)`, {
      hint: 'Use a long random value, e.g. the output of `openssl rand -base64 32`, and give the same value to the program that calls /webhooks/bounce.',
    });
  }

  return {
    ...parsed,
    web,
    readerTokens,
    webhookSecret,
    source: options.source,
    baseDir,
    feeds: configured.filter((feed) => !feed.paused),
    pausedFeeds: configured.filter((feed) => feed.paused),
    feedLists,
    recipients,
    delivery: {
      ...parsed.delivery,
      ...(parsed.delivery.dkim ? { dkim: { ...parsed.delivery.dkim, privateKeyFile: path.resolve(baseDir, parsed.delivery.dkim.privateKeyFile) } } : {}),
    },
    outDir: path.resolve(baseDir, parsed.out),
    statePath: parsed.state === ':memory:' ? ':memory:' : path.resolve(baseDir, parsed.state),
    templateDir,
    template: parsed.template,
    partialsDir,
    smtpUrl,
    transport,
    queueUrl: queueFromEnv ?? parsed.delivery.queue,
    warnings,
    skippedRecipients,
  };
}


export function isUrl(value: string): boolean {
  return /^(https?|file):\/\//i.test(value);
}

/**
 * A feed as written in the config (or in a feed list in `dir`): a local path becomes absolute,
 * URLs are kept as written. A path written relative is also given a `key`, its path relative to
 * the config's folder (`keyBase`): the state knows the feed by it, so moving or copying the
 * project does not make its feeds, and their items, new (see `feedKey`).
 */
function resolveFeedSource<T extends { url: string }>(feed: T, dir: string, keyBase: string): T & { key?: string } {
  if (isUrl(feed.url)) return feed;
  const url = path.resolve(dir, feed.url);
  if (path.isAbsolute(feed.url)) return { ...feed, url };
  return { ...feed, url, key: path.relative(keyBase, url).split(path.sep).join('/') };
}

/** Local feed paths become absolute; URLs are kept as written. */
export function resolveFeedUrl(url: string, baseDir: string): string {
  return isUrl(url) ? url : path.resolve(baseDir, url);
}

type Show = (file: string) => string;

/** A `feeds:` entry naming a feed-list file (.yaml/.yml/.json/.opml/.txt) rather than one feed. */
export function isFeedListEntry(entry: string): boolean {
  return !isUrl(entry) && FEED_LIST_EXTENSIONS.has(listExtension(entry));
}

/** A feed list read as YAML or JSON (not OPML, not one URL per line): it needs `parseStructuredFeedList`. */
export function isStructuredFeedList(entry: string): boolean {
  return isFeedListEntry(entry) && !PLAIN_LIST_EXTENSIONS.has(listExtension(entry));
}

const PLAIN_LIST_EXTENSIONS = new Set(['.opml', '.txt']);

function listExtension(entry: string): string {
  return path.extname(entry.split(/[?#]/)[0]!).toLowerCase();
}

function resolveFeeds(
  entries: ParsedConfig['feeds'],
  baseDir: string,
  file: string,
  shown: Show,
  lists: string[],
  warnings: string[],
  parseStructured: StructuredFeedListParser | undefined,
): FeedSource[] {
  const feeds: FeedSource[] = [];
  entries.forEach((entry, index) => {
    if (typeof entry !== 'string') {
      feeds.push(compact(resolveFeedSource(entry, baseDir, baseDir)));
      return;
    }
    if (isFeedListEntry(entry)) {
      lists.push(path.resolve(baseDir, entry));
      feeds.push(...readFeedList(path.resolve(baseDir, entry), `${file}: feeds[${index}]`, shown, baseDir, warnings, parseStructured));
    } else {
      feeds.push(resolveFeedSource({ url: entry }, baseDir, baseDir));
    }
  });
  // One feed listed twice (inline and in a list file) is read once.
  const seen = new Set<string>();
  return feeds.filter((feed) => (seen.has(feed.url) ? false : (seen.add(feed.url), true)));
}

/**
 * Reads a feed-list file: YAML/JSON (a list, or {feeds: [...]}), OPML, or one URL per line.
 * Relative paths in it are relative to the list; local feeds are keyed relative to `keyBase`
 * (the config's folder; default: the list's).
 */
export function readFeedList(
  listPath: string,
  where: string,
  show: Show = displayPath,
  keyBase: string = path.dirname(listPath),
  warnings?: string[],
  parseStructured?: StructuredFeedListParser,
): FeedSource[] {
  const shown = show(listPath);
  let text: string;
  try {
    text = readFileSync(listPath, 'utf8');
  } catch (error) {
    throw new ConfigError('CONFIG_FEED_LIST', `${where}: cannot read the feed list ${shown} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, {
      cause: error,
      context: { file: shown },
      hint: 'Check the path; relative paths are resolved against the config file’s folder.',
    });
  }
  const listDir = path.dirname(listPath);
  const extension = path.extname(listPath).toLowerCase();
  if (extension === '.opml') {
    try {
      const { feeds, skipped } = readOpmlChecked(text);
      for (const { feed, reason } of skipped) warnings?.push(`${shown}: ${feed.name ? `"${feed.name}" ` : ''}(${feed.url}) skipped: ${reason}`);
      return feeds.map((feed) => resolveFeedSource(feed, listDir, keyBase));
    } catch (error) {
      throw new ConfigError('CONFIG_FEED_LIST', `${shown}: ${(error as Error).message}`, {
        cause: error,
        context: { file: shown },
        hint: 'Export the subscriptions from your feed reader again as OPML.',
      });
    }
  }
  if (extension === '.txt') {
    const feeds: FeedSource[] = [];
    text.split(/\r?\n/).forEach((raw, index) => {
      const url = raw.replace(/#.*$/, '').trim();
      if (!url) return;
      const problem = feedUrlProblem(url);
      if (problem) {
        throw new ConfigError('CONFIG_FEED_LIST', `${shown}:${index + 1}: ${problem}`, {
          context: { file: shown, line: index + 1 },
          hint: 'Write one feed per line: an http(s) URL or a path (relative to this file); # starts a comment.',
        });
      }
      feeds.push(resolveFeedSource({ url }, listDir, keyBase));
    });
    return feeds;
  }
  if (!parseStructured) throw new Error(`internal: reading the feed list ${shown} needs parseStructuredFeedList (ResolveOptions)`);
  return parseStructured(text, shown).map((entry) => compact(resolveFeedSource(typeof entry === 'string' ? { url: entry } : entry, listDir, keyBase)));
}

function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function resolveRecipients(
  entries: ParsedConfig['recipients'],
  baseDir: string,
  file: string,
  warnings: string[],
  shown: Show,
  options: Pick<ResolveOptions, 'locate'>,
  skipped?: string[],
): Recipient[] {
  const raw: { where: string; email: string; name?: string; fields: Record<string, string> }[] = [];
  if (typeof entries === 'string') {
    const csvPath = path.resolve(baseDir, entries);
    raw.push(...readRecipientsCsv(csvPath, shown));
  } else {
    entries.forEach((entry, index) => {
      const line = options.locate?.(['recipients', index]);
      const where = `${file}${line === undefined ? '' : `:${line}`}: recipients[${index}]`;
      if (typeof entry === 'string') raw.push({ where, email: entry, fields: {} });
      else {
        const { email, name, ...rest } = entry;
        const fields = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]));
        raw.push({ where, email, ...(name ? { name } : {}), fields });
      }
    });
  }
  const recipients: Recipient[] = [];
  const seen = new Set<string>();
  for (const entry of raw) {
    const email = entry.email.trim();
    const problem = addressProblem(email);
    if (problem) {
      warnings.push(`${entry.where}: ${problem}; skipped`);
      skipped?.push(`${entry.where}: ${problem}; skipped`);
      continue;
    }
    const key = email.toLowerCase();
    if (seen.has(key)) {
      warnings.push(`${entry.where}: ${email} is listed more than once; it gets one copy`);
      continue;
    }
    seen.add(key);
    recipients.push({ email, ...(entry.name ? { name: entry.name } : {}), fields: entry.fields });
  }
  return recipients;
}

/** A CSV with a header row; the address column is `email` (or `address`/`e-mail`), `name` optional. */
function readRecipientsCsv(csvPath: string, show: Show): { where: string; email: string; name?: string; fields: Record<string, string> }[] {
  const shown = show(csvPath);
  const rows = readCsvRows(csvPath, shown, {
    code: 'CONFIG_RECIPIENTS',
    unreadable: 'recipients: cannot read',
    readHint: 'Check the path; relative paths are resolved against the config file’s folder.',
    hint: 'The recipients file must be CSV with a header row, e.g.\n  email,name\n  ada@example.com,Ada Lovelace',
  });
  const first = rows[0];
  const emailColumn = first ? ['email', 'e-mail', 'address', 'email address'].find((c) => c in first) : 'email';
  if (first && !emailColumn) {
    throw new ConfigError('CONFIG_RECIPIENTS', `${shown}: no "email" column in the header row (found: ${Object.keys(first).join(', ')})`, {
      context: { file: shown, line: 1 },
      hint: 'Name the address column "email", e.g.\n  email,name\n  ada@example.com,Ada Lovelace',
    });
  }
  return rows.map((row, index) => {
    const { [emailColumn!]: email = '', name, ...fields } = row;
    return { where: `${shown}:${index + 2}`, email, ...(name ? { name } : {}), fields };
  });
}

function resolveTemplateDir(template: string, baseDir: string, file: string, shown: Show): string {
  const looksLikePath = template.includes('/') || template.includes('\\') || template.startsWith('.');
  const candidates = looksLikePath
    ? [path.resolve(baseDir, template)]
    : [path.resolve(baseDir, 'templates', template), path.join(PACKAGE_DIR, 'templates', template)];
  const found = candidates.find((dir) => existsSync(dir) && statSync(dir).isDirectory());
  if (!found) {
    throw new ConfigError('CONFIG_TEMPLATE', `${file}: template: no template set "${template}" (looked in ${candidates.map(shown).join(' and ')})`, {
      context: { file },
      hint: `Use "default" or "compact", or the path to a theme folder. Available: ${listThemes().join(', ') || 'none found'}.`,
    });
  }
  return found;
}

function resolvePartialsDir(partials: string, baseDir: string, file: string, shown: Show): string {
  const dir = path.resolve(baseDir, partials);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ConfigError('CONFIG_PARTIALS', `${file}: partials: no folder ${shown(dir)}`, {
      context: { file },
      hint: 'Point `partials` at a folder of .hbs files (relative paths are resolved against the config file’s folder), or remove the setting.',
    });
  }
  return dir;
}

function listThemes(): string[] {
  try {
    return readdirSync(path.join(PACKAGE_DIR, 'templates'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
  } catch {
    return [];
  }
}

function validateSmtpUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError('CONFIG_SMTP_URL', 'SMTP_URL is not a valid URL', {
      hint: 'Write it as smtp://user:password@host:587 (or smtps://… for port 465); URL-encode special characters in the password.',
    });
  }
  if (!['smtp:', 'smtps:'].includes(parsed.protocol)) {
    throw new ConfigError('CONFIG_SMTP_URL', `SMTP_URL must start with smtp:// or smtps://, got "${parsed.protocol}//…"`, {
      hint: 'Write it as smtp://user:password@host:587 (or smtps://… for port 465).',
    });
  }
}
