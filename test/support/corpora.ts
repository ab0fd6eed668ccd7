import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * ../shared/corpora beside the repository (CI has the same layout; see its README). Tests that
 * need it skip with a message when it is missing, so the project's own tests still run anywhere.
 */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const corporaDir = path.resolve(repoRoot, '../shared/corpora') + path.sep;
export const feedsDir = path.join(corporaDir, 'feeds');
export const hasFeedsCorpus = existsSync(feedsDir);

export function hasCorpus(relative: string): boolean {
  return existsSync(path.join(corporaDir, relative));
}

if (!existsSync(corporaDir)) {
  console.warn(`Corpora not found at ${corporaDir}: corpus tests are skipped (see ../shared/corpora/README.md).`);
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
