import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isSeq, parseDocument, YAMLSeq } from 'yaml';
import { ConfigError } from '../errors.js';
import type { FeedSource } from '../types.js';
import { listFeedPlaces, replaceFile } from './edit-feeds.js';
import { parseYaml } from './parse-yaml.js';
import { resolveFeedUrl } from './resolve-config.js';
import { appendSequenceItems } from './yaml-splice.js';

export interface AddFeedsResult {
  file: string;
  created: boolean;
  added: FeedSource[];
  /** Already in the config, inline or in a feed list it names (same address). */
  skipped: FeedSource[];
}

/**
 * Appends feeds to the config file's `feeds:` list, keeping the editor's comments and layout.
 * Creates a minimal config when there is none yet.
 */
export function addFeedsToConfig(file: string, feeds: readonly FeedSource[]): AddFeedsResult {
  const created = !existsSync(file);
  const text = created
    ? `# Created by \`digest feeds\`. Every setting is described in README.md.\ntitle: Morning Digest\nfeeds: []\n`
    : readFileSync(file, 'utf8');
  const { doc } = parseYaml(text, path.basename(file)); // reports syntax errors with file and line
  const list = doc.get('feeds', true);
  if (list !== undefined && list !== null && !isSeq(list)) {
    throw new ConfigError('CONFIG_INVALID', `${file}: feeds: expected a list, so new feeds can be added to it`, {
      context: { file },
      hint: 'Write feeds as a list: feeds:\n  - url: https://example.com/feed.xml',
    });
  }
  const baseDir = path.dirname(file);
  const existing = new Set(created ? [] : listFeedPlaces(file).map((place) => place.url));
  const added: FeedSource[] = [];
  const skipped: FeedSource[] = [];
  for (const feed of feeds) {
    const url = resolveFeedUrl(feed.url, baseDir);
    if (existing.has(url)) {
      skipped.push(feed);
      continue;
    }
    existing.add(url);
    added.push(feed);
  }
  if (added.length === 0 && !created) return { file, created, added, skipped };
  const entries = added.map((feed) => Object.fromEntries(Object.entries(feed).filter(([, v]) => v !== undefined)));
  replaceFile(file, isSeq(list) && list.items.length > 0 ? appendSequenceItems(text, ['feeds'], entries).text : appendThroughDocument(text, entries));
  return { file, created, added, skipped };
}

/** The first feeds of a config (no list yet, or an empty one): the yaml library writes the list. */
function appendThroughDocument(text: string, entries: readonly Record<string, unknown>[]): string {
  const doc = parseDocument(text);
  let list = doc.get('feeds', true);
  if (!isSeq(list)) {
    list = new YAMLSeq();
    doc.set('feeds', list);
  }
  const seq = list as YAMLSeq;
  for (const entry of entries) seq.add(doc.createNode(entry));
  if (seq.flow && seq.items.length > 0) seq.flow = false;
  return doc.toString({ lineWidth: 0 });
}
