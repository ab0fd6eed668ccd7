import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isSeq, parseDocument, YAMLSeq } from 'yaml';
import { ConfigError } from '../errors.js';
import type { FeedSource } from '../types.js';
import { parseYaml } from './parse-yaml.js';

export interface AddFeedsResult {
  file: string;
  created: boolean;
  added: FeedSource[];
  /** Already in the config (same URL). */
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
  parseYaml(text, path.basename(file)); // reports syntax errors with file and line
  const doc = parseDocument(text);
  let list = doc.get('feeds', true);
  if (list === undefined || list === null) {
    list = new YAMLSeq();
    doc.set('feeds', list);
  }
  if (!isSeq(list)) {
    throw new ConfigError('CONFIG_INVALID', `${file}: feeds: expected a list, so new feeds can be added to it`, {
      context: { file },
      hint: 'Write feeds as a list: feeds:\n  - url: https://example.com/feed.xml',
    });
  }
  const existing = new Set(
    (doc.toJS() as { feeds?: unknown[] }).feeds?.map((entry) => (typeof entry === 'string' ? entry : (entry as { url?: string })?.url)) ?? [],
  );
  const added: FeedSource[] = [];
  const skipped: FeedSource[] = [];
  for (const feed of feeds) {
    if (existing.has(feed.url)) {
      skipped.push(feed);
      continue;
    }
    existing.add(feed.url);
    added.push(feed);
    list.add(doc.createNode(Object.fromEntries(Object.entries(feed).filter(([, v]) => v !== undefined))));
  }
  if (list.flow && list.items.length > 0) list.flow = false;
  if (added.length > 0 || created) writeFileSync(file, doc.toString({ lineWidth: 0 }));
  return { file, created, added, skipped };
}
