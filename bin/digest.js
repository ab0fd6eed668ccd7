#!/usr/bin/env node
// The `digest` command. The code lives in dist/ (built by `npm install` / `npm run build`):
// dist/bundle/ is the start-up bundle of the command (scripts/bundle-cli.mjs), dist/cli/ the plain
// compiled modules it is made from.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/bundle/bin.js', import.meta.url);
const entry = existsSync(bundle) ? bundle : new URL('../dist/cli/bin.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('error: the digest tool is not built yet.\n  → Run `npm install` (or `npm run build`) in the project folder first.\n');
  process.exit(1);
}
// With DEBUG set, stack traces name the source files (src/…/*.ts), not the bundle's chunks.
// Off otherwise: reading the source maps costs every command a noticeable part of its start-up.
if (process.env.DEBUG) process.setSourceMapsEnabled(true);
await import(entry.href);
