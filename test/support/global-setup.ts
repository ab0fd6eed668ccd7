import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Builds dist/ once per test run exactly as `npm run build` does (tsc, then the start-up bundle),
 * so CLI tests spawn the real `bin/digest.js` a user runs, always from the current source.
 */
export default function setup(): () => void {
  const root = path.resolve(import.meta.dirname, '../..');
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, [path.join(root, 'scripts/bundle-cli.mjs')], { cwd: root, stdio: 'inherit' });
  // The built command keeps validated configs in $XDG_CACHE_HOME (config/load-config-cached.ts):
  // the suite's hundreds of throwaway projects go to a folder of the run's own, not the home's.
  const cache = mkdtempSync(path.join(tmpdir(), 'digest-test-cache-'));
  process.env.XDG_CACHE_HOME = cache;
  return () => rmSync(cache, { recursive: true, force: true });
}
