import { copyFileSync, cpSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './temp-dir.js';

/**
 * The repository's sample project (digest.config.yaml and the feeds it names) copied into `dir`,
 * as `npm start` runs it. Commands refuse to run without a config file, so tests that want the
 * sample setup make one.
 */
export function writeSampleProject(dir: string): string {
  copyFileSync(path.join(REPO_ROOT, 'digest.config.yaml'), path.join(dir, 'digest.config.yaml'));
  cpSync(path.join(REPO_ROOT, 'feeds'), path.join(dir, 'feeds'), { recursive: true });
  return dir;
}
