import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError } from '../../errors.js';
import { common, configFileFor, defaultSubcommand, loadConfigFor, printJson, rel, type CommonOptions, type SetExit } from '../context.js';
import { EXIT, print } from '../output.js';

export function registerFeeds(program: Command, setExit: SetExit): void {
  const feeds = program.command('feeds').description('list the configured feeds and their health, or import subscriptions');
  defaultSubcommand(feeds, common(feeds.command('list', { isDefault: true })))
    .description('list the configured feeds with their last fetch result')
    .action(async (options: CommonOptions) => {
      const config = await loadConfigFor(options);
      const { listFeeds } = await import('../../pipeline/list-feeds.js');
      const rows = listFeeds(config);
      if (options.json) printJson(rows);
      else {
        for (const row of rows) {
          const health =
            row.lastStatus === null
              ? 'never fetched'
              : row.lastError
                ? `failing ${row.consecutiveFailures} run${row.consecutiveFailures === 1 ? '' : 's'} in a row${row.lastSuccess ? ` (last worked ${row.lastSuccess})` : ''}: ${row.lastError}`
                : `ok (last fetched ${row.lastSuccess})`;
          print(`${row.needsAttention ? '! ' : ''}${row.name ?? row.url}${row.needsAttention ? '  — needs attention' : ''}\n  ${rel(row.url)}\n  ${health}\n`);
          if (row.movedTo) print(`  moved permanently to ${row.movedTo} (update the config)\n`);
        }
      }
      setExit(EXIT.OK);
    });
  common(feeds.command('add'), false)
    .description('check that a URL is a feed (or find the feed a web page advertises) and add it to the config')
    .argument('<url>', 'a feed URL, or a site’s page that links to its feed')
    .option('--name <name>', 'display name (default: the feed’s title)')
    .option('--section <section>', 'section of the digest its stories go in')
    .action(async (url: string, options: CommonOptions & { name?: string; section?: string }) => {
      const target = configFileFor(options);
      const config = await loadConfigFor(options);
      const { findFeed } = await import('../../pipeline/add-feed.js');
      const { addFeedsToConfig } = await import('../../config/edit-config.js');
      const found = await findFeed(url, {
        ...(options.name ? { name: options.name } : {}),
        ...(options.section ? { section: options.section } : {}),
        allowPrivateLinks: config.fetch.allowPrivateArticles,
      });
      const result = addFeedsToConfig(target, [found.feed]);
      if (found.discoveredFrom) print(`${url} is a web page; it points to the feed ${found.feed.url}.\n`);
      for (const other of found.alternatives) print(`  (it also advertises ${other.url}${other.title ? ` "${other.title}"` : ''})\n`);
      if (result.added.length) print(`Added "${found.feed.name ?? found.feed.url}" (${found.items} items now) to ${rel(result.file)}.\n`);
      else print(`${found.feed.url} is already in ${rel(result.file)}.\n`);
      setExit(EXIT.OK);
    });
  common(feeds.command('import'), false)
    .description('add the subscriptions of an OPML file (exported from a feed reader) to the config')
    .argument('<file>', 'an .opml file')
    .action(async (file: string, options: CommonOptions) => {
      const target = configFileFor(options);
      let xml: string;
      try {
        xml = readFileSync(file, 'utf8');
      } catch (error) {
        throw new ConfigError('OPML_UNREADABLE', `${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { cause: error, context: { file } });
      }
      const { readOpmlChecked } = await import('../../config/read-opml.js');
      const { addFeedsToConfig } = await import('../../config/edit-config.js');
      let imported;
      try {
        imported = readOpmlChecked(xml);
      } catch (error) {
        throw new ConfigError('OPML_INVALID', `${file}: ${(error as Error).message}`, { cause: error, context: { file }, hint: 'Export the subscriptions from your feed reader again as OPML.' });
      }
      const result = addFeedsToConfig(target, imported.feeds);
      const refused = imported.skipped.length;
      print(
        `${result.created ? 'Created' : 'Updated'} ${rel(result.file)}: added ${result.added.length} feed${result.added.length === 1 ? '' : 's'}` +
          `${result.skipped.length ? `, ${result.skipped.length} already there` : ''}.${refused ? ` Skipped ${refused}:` : ''}\n`,
      );
      // Someone else's list: what could point this tool at a local file or network is named, not added.
      for (const { feed, reason } of imported.skipped) print(`  ✗ ${feed.name ? `${feed.name}: ` : ''}${feed.url}: ${reason}\n`);
      setExit(refused ? EXIT.PARTIAL : EXIT.OK);
    });
}
