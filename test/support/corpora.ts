import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * ../shared/corpora beside the repository (CI has the same layout). Tests that need it skip
 * with a message when it is missing, so the project's own tests still run anywhere.
 */
export const corporaDir = fileURLToPath(new URL('../../../shared/corpora/', import.meta.url));

export function hasCorpus(relative: string): boolean {
  return existsSync(new URL(relative, new URL('../../../shared/corpora/', import.meta.url)));
}
