/**
 * Bundles the `digest` command for start-up speed: dist/cli/bin.js and everything it imports from
 * src (and the small libraries every command loads: commander, zod, yaml, croner, csv-parse, sax)
 * become a few files in dist/bundle/, one chunk per lazily loaded stage. Resolving and reading
 * hundreds of small modules costs more than running them; a bundle reads a handful. The heavy
 * libraries (MJML, linkedom, rss-parser, nodemailer, better-sqlite3, …) stay ordinary packages,
 * loaded from node_modules when a stage first needs them.
 * Run by `npm run build` after tsc; bin/digest.js prefers the bundle and falls back to dist/cli/.
 */
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const BUNDLED = new Set(['commander', 'zod', 'yaml', 'croner', 'csv-parse', 'sax']);
const outdir = path.join(root, 'dist/bundle');

// The build's identity: every compiled file and the lock file (the bundled libraries' versions).
// The config cache (src/config/load-config-cached.ts) keys its entries by it, so a settings file
// validated by one build is never taken as valid by another.
const buildHash = createHash('sha256');
const hashTree = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (file !== outdir) hashTree(file);
    } else if (entry.name.endsWith('.js')) buildHash.update(path.relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
};
hashTree(path.join(root, 'dist'));
buildHash.update(readFileSync(path.join(root, 'package-lock.json')));
const buildId = buildHash.digest('hex').slice(0, 32);

// The outdir is not emptied first: a `digest` process started from the previous build (a test run,
// a cron job) still loads its chunks lazily, and chunk names carry their content's hash, so the
// old ones stay valid beside the new. Chunks no build has written for a day are removed below
// (long-running services are restarted after an upgrade: README, "Upgrading").
const result = await build({
  define: { __DIGEST_BUILD_ID__: JSON.stringify(buildId) },
  metafile: true,
  absWorkingDir: root,
  // The parser thread's entry (dist/pipeline/feed-parse-worker.js) is a file of its own beside the
  // chunks: feed-parser.js starts it by its URL.
  entryPoints: { bin: path.join(root, 'dist/cli/bin.js'), 'feed-parse-worker': path.join(root, 'dist/pipeline/feed-parse-worker.js') },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  // The bundled CommonJS libraries (commander, yaml) call require(), which ES modules lack.
  banner: { js: "import { createRequire as __digestCreateRequire } from 'node:module'; const require = __digestCreateRequire(import.meta.url);" },
  logLevel: 'warning',
  // dist/bundle/ sits two levels below the package root, like dist/config/package-dir.js, so
  // PACKAGE_DIR (templates/, feeds/) resolves the same in the bundle.
  plugins: [
    {
      name: 'external-packages',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) => {
          if (args.path.startsWith('node:')) return { external: true };
          const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
          return BUNDLED.has(name) ? undefined : { external: true };
        });
      },
    },
  ],
});

const written = new Set(Object.keys(result.metafile.outputs).map((file) => path.resolve(root, file)));
const aDayAgo = Date.now() - 24 * 60 * 60 * 1000;
for (const name of readdirSync(outdir)) {
  const file = path.join(outdir, name);
  if (!written.has(file) && statSync(file).mtimeMs < aDayAgo) rmSync(file, { force: true, recursive: true });
}
