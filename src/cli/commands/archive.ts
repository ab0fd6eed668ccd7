import path from 'node:path';
import type { Command } from 'commander';
import { common, loadConfigFor, plural, printJson, rel, type CommonOptions, type SetExit } from '../context.js';
import { EXIT, print } from '../output.js';

export function registerArchive(program: Command, setExit: SetExit): void {
  common(program.command('archive'))
    .description('write the archive of past digests as static files (the pages `digest web` serves at /archive/)')
    .requiredOption('-o, --out <dir>', 'folder to write to: DIR/archive/index.html, DIR/archive/<run>/index.html, DIR/archive/feed.xml')
    .option('--base-url <url>', 'the public address the files will be at (default: web.baseUrl), for the feed’s links')
    .action(async (options: CommonOptions & { out: string; baseUrl?: string }) => {
      const config = await loadConfigFor(options);
      const { writeArchive } = await import('../../web/archive.js');
      const result = writeArchive(config, path.resolve(options.out), options.baseUrl ? { baseUrl: options.baseUrl } : {});
      if (options.json) printJson(result);
      else print(`Wrote ${plural(result.issues, 'issue')} to ${rel(path.join(result.dir, 'archive'))}/ (index.html, feed.xml and one folder per issue).\n`);
      setExit(EXIT.OK);
    });
}
