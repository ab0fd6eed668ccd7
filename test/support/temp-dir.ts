import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

/** A fresh temporary folder per test, removed afterwards; `write` creates files inside it. */
export function useTempDir(): { dir: () => string; write: (name: string, content: string) => string } {
  let current: string | undefined;
  afterEach(() => {
    if (current) rmSync(current, { recursive: true, force: true });
    current = undefined;
  });
  const dir = () => (current ??= mkdtempSync(path.join(tmpdir(), 'digest-test-')));
  return {
    dir,
    write(name, content) {
      const file = path.join(dir(), name);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content);
      return file;
    },
  };
}

export { repoRoot as REPO_ROOT, corporaDir as CORPORA } from './corpora.js';
