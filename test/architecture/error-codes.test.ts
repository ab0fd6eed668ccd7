import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODE_FAMILIES, ERROR_CODES, errorCodeTable } from '../../src/error-codes.js';
import { REPO_ROOT } from '../support/temp-dir.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(path.join(dir, entry.name)) : entry.name.endsWith('.ts') ? [path.join(dir, entry.name)] : [],
  );
}

describe('the error-code catalogue', () => {
  it("is what README.md's Error codes table lists, row for row", () => {
    const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const block = /<!-- error-codes:start -->\n([\s\S]*?)\n<!-- error-codes:end -->/.exec(readme);
    expect(block, 'README.md needs an <!-- error-codes:start --> … <!-- error-codes:end --> block').not.toBeNull();
    expect(block![1], 'README.md is out of date: run `npm run docs:error-codes`').toBe(errorCodeTable());
  });

  it('lists only codes the source reports', () => {
    const source = sourceFiles(path.join(REPO_ROOT, 'src'))
      .filter((file) => !file.endsWith('error-codes.ts'))
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    const unused = Object.keys(ERROR_CODES).filter((code) => !source.includes(`'${code}'`));
    expect(unused, 'codes in src/error-codes.ts that nothing reports: remove them').toEqual([]);
    for (const family of Object.keys(ERROR_CODE_FAMILIES)) expect(source).toContain(family.replace(/<\w+>$/, ''));
  });

  it('every code is an upper-case name and says what it means', () => {
    for (const [code, meaning] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^[A-Z]+(?:_[A-Z]+)*$/);
      expect(meaning.length, code).toBeGreaterThan(10);
    }
  });
});
