/**
 * Where the shared test corpora live: `../shared/corpora` beside the repository (see
 * corpora/README.md). Corpus tests skip, saying why, when the folder is missing.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const corporaDir = path.resolve(repoRoot, '../shared/corpora');
export const feedsDir = path.join(corporaDir, 'feeds');
export const hasFeedsCorpus = existsSync(feedsDir);

if (!hasFeedsCorpus) {
  console.warn(`Feed corpus not found at ${feedsDir}: corpus tests are skipped (see ../shared/corpora/README.md).`);
}

/** Every feed-like file under `dir` (licence/readme notes left out), sorted for stable runs. */
export function listFeedFiles(dir: string = feedsDir): string[] {
  const files: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder)) {
      const full = path.join(folder, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (!/\.(md|txt)$/i.test(entry) && !/^(LICENSE|SOURCE|README)/i.test(entry)) files.push(full);
    }
  };
  walk(dir);
  return files.sort();
}
