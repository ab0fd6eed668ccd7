/**
 * Rewrites the "Error codes" table in README.md from src/error-codes.ts (through its compiled copy
 * in dist/: run by `npm run docs:error-codes`, which builds first). The test
 * test/architecture/error-codes.test.ts fails when the README and the catalogue differ.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { errorCodeTable } from '../dist/error-codes.js';

const readme = path.resolve(import.meta.dirname, '../README.md');
const START = '<!-- error-codes:start -->';
const END = '<!-- error-codes:end -->';
const text = readFileSync(readme, 'utf8');
const from = text.indexOf(START);
const to = text.indexOf(END);
if (from < 0 || to < from) {
  process.stderr.write(`README.md has no ${START} … ${END} block to fill in.\n`);
  process.exit(1);
}
writeFileSync(readme, `${text.slice(0, from + START.length)}\n${errorCodeTable()}\n${text.slice(to)}`);
process.stdout.write('README.md: error codes table updated.\n');
