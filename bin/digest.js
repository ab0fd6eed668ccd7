#!/usr/bin/env node
// The `digest` command. The code lives in dist/ (built by `npm install` / `npm run build`).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/bin.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('error: the digest tool is not built yet.\n  → Run `npm install` (or `npm run build`) in the project folder first.\n');
  process.exit(1);
}
await import(entry.href);
