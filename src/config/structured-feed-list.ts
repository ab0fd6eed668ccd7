/**
 * A YAML or JSON feed list (`feeds: [my-feeds.yaml]`): a list of feeds, or {feeds: [...]}, each
 * entry a URL or path, or a feed with the same keys as in the config, checked by the same schema.
 * Kept apart from resolve-config.ts because it needs yaml and zod: resolving a config from the
 * cache (load-config-cached.ts) loads them only when a feed list of this kind is named.
 */
import { ConfigError } from '../errors.js';
import { formatIssues, formatPath } from './format-issues.js';
import { parseYaml } from './parse-yaml.js';
import { feedSchema, type FeedEntry } from './schema.js';
import { feedUrlProblem } from './value-checks.js';

/** A list's entries, checked: a trimmed URL or path, or a feed as the schema reads it. */
export type StructuredFeedListParser = (text: string, shown: string) => (string | FeedEntry)[];

export const parseStructuredFeedList: StructuredFeedListParser = (text, shown) => {
  // YAML is a superset of JSON, so one reader serves both.
  const { data } = parseYaml(text, shown);
  const list = Array.isArray(data) ? data : (data as { feeds?: unknown } | null)?.feeds;
  if (!Array.isArray(list)) {
    throw new ConfigError('CONFIG_FEED_LIST', `${shown}: expected a list of feeds (or a "feeds:" key holding one)`, {
      context: { file: shown },
      hint: 'Write one entry per feed, e.g.\n  - url: https://example.com/feed.xml\n    name: Example',
    });
  }
  return list.map((entry: unknown, index) => {
    if (typeof entry === 'string') {
      const problem = feedUrlProblem(entry.trim());
      if (problem) throw new ConfigError('CONFIG_FEED_LIST', `${shown}: [${index}]: ${problem}`, { context: { file: shown }, hint: 'Each feed is an http(s) URL or a path (relative to this file).' });
      return entry.trim();
    }
    const result = feedSchema.safeParse(entry);
    if (!result.success) {
      const issue = formatIssues(result.error.issues, entry, () => Object.keys(feedSchema.shape))[0]!;
      throw new ConfigError('CONFIG_FEED_LIST', `${shown}: [${index}]${formatPath(issue.path) ? '.' + formatPath(issue.path) : ''}: ${issue.message}`, {
        context: { file: shown },
        hint: 'Each feed needs a url (http(s) URL or a path); name, section, limit, fullText and maxAgeDays are optional.',
      });
    }
    return result.data;
  });
};
