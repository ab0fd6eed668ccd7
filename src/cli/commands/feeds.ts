import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { ConfigError, DigestError } from '../../errors.js';
import { common, configFileFor, loadConfigFor, printJson, rel, type CommonOptions, type SetExit } from '../context.js';
import { EXIT, print, printData, printErr, terminalSafe } from '../output.js';

/** The subcommands, in the order `digest feeds --help` and the unknown-command error list them. */
const SUBCOMMANDS = ['list', 'add', 'import', 'remove', 'pause', 'unpause', 'rename', 'export'] as const;

export function registerFeeds(program: Command, setExit: SetExit): void {
  const feeds = program
    .command('feeds')
    .description('list, add, import, remove, pause, rename and export the feeds')
    .addHelpText('after', '\nA feed is named by its name (as `digest feeds` shows it) or its address.');

  common(feeds.command('list', { isDefault: true }))
    .description('list the configured feeds with their last fetch result (the default)')
    // Anything after `digest feeds` that is not a subcommand lands here: say which ones there are.
    .argument('[command...]')
    .action(async (words: string[], options: CommonOptions) => {
      const unknown = words[0];
      if (unknown !== undefined) {
        throw new DigestError('CLI_UNKNOWN_COMMAND', `"${unknown}" is not a feeds command; the feeds commands are: ${SUBCOMMANDS.join(', ')}`, {
          hint: `\`digest feeds --help\` describes them${(await suggestion(unknown)) ?? '.'}`,
        });
      }
      const config = await loadConfigFor(options);
      const { listFeeds } = await import('../../pipeline/list-feeds.js');
      const rows = listFeeds(config);
      if (options.json) printJson(rows);
      else {
        for (const row of rows) {
          const health = row.paused
            ? `paused: not fetched (\`digest feeds unpause ${quoteArg(row.name ?? row.url)}\` to fetch it again)`
            : row.lastStatus === null
              ? 'never fetched'
              : row.lastError
                ? `failing ${row.consecutiveFailures} run${row.consecutiveFailures === 1 ? '' : 's'} in a row${row.lastSuccess ? ` (last worked ${row.lastSuccess})` : ''}: ${row.lastError}`
                : `ok (last fetched ${row.lastSuccess})`;
          const flag = row.needsAttention ? '  — needs attention' : row.paused ? '  — paused' : '';
          print(`${row.needsAttention ? '! ' : ''}${row.name ?? row.url}${flag}\n  ${rel(row.url)}\n  ${health}\n`);
          if (row.filters) print(`  filters: ${describeFilters(row.filters)}\n`);
          if (row.movedTo) print(`  moved permanently to ${row.movedTo} (update the config)\n`);
        }
        if (rows.length === 0) print('No feeds yet: `digest feeds add URL` or `digest feeds import FILE.opml`.\n');
      }
      setExit(EXIT.OK);
    });

  common(feeds.command('add'), false)
    .description('check that a URL is a feed (or find the feed a web page advertises) and add it to the config')
    .argument('<url>', 'a feed URL, or a site’s page that links to its feed')
    .option('--name <name>', 'display name (default: the site’s name, from the feed’s title)')
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
      if (result.added.length) {
        print(`Added "${found.feed.name ?? found.feed.url}" (${found.items} items now) to ${rel(result.file)}.\n`);
        if (found.title && found.feed.name && found.title !== found.feed.name && !options.name) {
          print(`  (its title is "${found.title}"; \`digest feeds rename ${quoteArg(found.feed.name)} "…"\` to name it otherwise)\n`);
        }
      } else print(`${found.feed.url} is already in ${rel(result.file)}.\n`);
      setExit(EXIT.OK);
    });

  common(feeds.command('import'), false)
    .description('add the subscriptions of an OPML file (exported from a feed reader) to the config')
    .argument('<file>', 'an .opml file')
    .action(async (file: string, options: CommonOptions) => {
      const target = configFileFor(options);
      const config = await loadConfigFor(options);
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
        imported = readOpmlChecked(xml, { shortNames: true, allowPrivate: config.fetch.allowPrivateArticles });
      } catch (error) {
        throw new ConfigError('OPML_INVALID', `${file}: ${(error as Error).message}`, { cause: error, context: { file }, hint: 'Export the subscriptions from your feed reader again as OPML.' });
      }
      const result = addFeedsToConfig(target, imported.feeds);
      const paused = result.added.filter((feed) => feed.paused).length;
      const refused = imported.skipped.length;
      print(
        `${result.created ? 'Created' : 'Updated'} ${rel(result.file)}: added ${result.added.length} feed${result.added.length === 1 ? '' : 's'}` +
          `${paused ? ` (${paused} paused, as the file marks them)` : ''}${result.skipped.length ? `, ${result.skipped.length} already there` : ''}.${refused ? ` Skipped ${refused}:` : ''}\n`,
      );
      // Someone else's list: what could point this tool at a local file or network is named, not added.
      for (const { feed, reason } of imported.skipped) print(`  ✗ ${feed.name ? `${feed.name}: ` : ''}${feed.url}: ${reason}\n`);
      setExit(refused ? EXIT.PARTIAL : EXIT.OK);
    });

  common(feeds.command('remove').alias('delete').alias('rm'))
    .description('remove a feed from the config (or from the feed list it is in); what it sent before is remembered')
    .argument('<feed>', 'the feed’s name or address')
    .action(async (query: string, options: CommonOptions) => {
      const { removeFeed } = await import('../../config/edit-feeds.js');
      const lookup = await lookupOptions(options);
      const result = removeFeed(editableConfig(options), query, lookup);
      const place = result.places[0]!;
      const label = feedLabel(place.name ?? lookup.titles?.get(place.url), place.url);
      if (options.json) printJson({ action: 'remove', feed: place.url, name: place.name ?? null, files: result.files.map(rel), layoutKept: result.layoutKept });
      else {
        print(`Removed ${label} from ${result.places.map((p) => `${rel(p.file)}:${p.line}`).join(' and ')}.\n`);
        print(`  The stories it sent are still remembered, so adding it again sends nothing old (\`digest reset ${quoteArg(place.url)}\` forgets them).\n`);
        layoutNote(result.layoutKept, result.files);
      }
      setExit(EXIT.OK);
    });

  for (const [name, paused] of [['pause', true], ['unpause', false]] as const) {
    common(feeds.command(name))
      .description(paused ? 'stop fetching a feed until it is unpaused (it stays in the config)' : 'fetch a paused feed again from the next run')
      .argument('<feed>', 'the feed’s name or address')
      .action(async (query: string, options: CommonOptions) => {
        const { setFeedPaused } = await import('../../config/edit-feeds.js');
        const lookup = await lookupOptions(options);
        const result = setFeedPaused(editableConfig(options), query, paused, lookup);
        const place = result.places[0]!;
        const label = feedLabel(place.name ?? lookup.titles?.get(place.url), place.url);
        if (options.json) printJson({ action: name, feed: place.url, name: place.name ?? null, changed: result.changed, files: result.files.map(rel), layoutKept: result.layoutKept });
        else if (!result.changed) print(`${label} is ${paused ? 'already paused' : 'not paused'}; nothing changed.\n`);
        else {
          print(
            paused
              ? `Paused ${label} in ${rel(place.file)}:${place.line}: it is not fetched until \`digest feeds unpause ${quoteArg(place.name ?? lookup.titles?.get(place.url) ?? place.url)}\`.\n`
              : `Unpaused ${label} in ${rel(place.file)}:${place.line}: the next run fetches it again and takes its new stories (at most its per-feed limit).\n`,
          );
          layoutNote(result.layoutKept, result.files);
        }
        setExit(EXIT.OK);
      });
  }

  common(feeds.command('rename'))
    .description('give a feed the display name its stories are bylined with')
    .argument('<feed>', 'the feed’s name or address')
    .argument('<name>', 'the new name')
    .action(async (query: string, name: string, options: CommonOptions) => {
      const { renameFeed } = await import('../../config/edit-feeds.js');
      const result = renameFeed(editableConfig(options), query, name, await lookupOptions(options));
      const place = result.places[0]!;
      const newName = name.replace(/\s+/g, ' ').trim();
      if (options.json) printJson({ action: 'rename', feed: place.url, previousName: result.previousName ?? null, name: newName, changed: result.changed, files: result.files.map(rel), layoutKept: result.layoutKept });
      else if (!result.changed) print(`${feedLabel(newName, place.url)} already has that name; nothing changed.\n`);
      else {
        print(`Renamed ${result.previousName ? `"${result.previousName}"` : place.url} to "${newName}" in ${rel(place.file)}:${place.line}.\n`);
        layoutNote(result.layoutKept, result.files);
      }
      setExit(EXIT.OK);
    });

  common(feeds.command('export'), false)
    .description('write the feeds as OPML 2.0 (sections as folders), for a feed reader or a backup')
    .argument('[file]', 'the .opml file to write (default: print it)')
    .action(async (file: string | undefined, options: CommonOptions) => {
      const config = await loadConfigFor(options);
      const { exportFeeds } = await import('../../pipeline/export-feeds.js');
      const result = exportFeeds(config);
      const note = (line: string) => (file ? process.stdout : process.stderr).write(terminalSafe(`${line}\n`));
      if (file) {
        const { replaceFile } = await import('../../config/edit-feeds.js');
        replaceFile(path.resolve(file), result.opml);
        note(`Wrote ${result.feeds} feed${result.feeds === 1 ? '' : 's'} to ${rel(path.resolve(file))}.`);
      } else printData(result.opml);
      if (result.leftOut.length) note(`Left out ${result.leftOut.length} local file${result.leftOut.length === 1 ? '' : 's'} another feed reader could not read: ${result.leftOut.map(rel).join(', ')}`);
      setExit(EXIT.OK);
    });
}

/** The config file the editing commands change (there must be one: CONFIG_MISSING otherwise). */
function editableConfig(options: CommonOptions): string {
  return configFileFor(options);
}

/** The names feeds were last fetched with, so `digest feeds pause "Sky News"` finds an unnamed feed too. */
async function lookupOptions(options: CommonOptions): Promise<{ titles?: Map<string, string> }> {
  try {
    const config = await loadConfigFor(options);
    const { feedTitles } = await import('../../pipeline/list-feeds.js');
    return { titles: feedTitles(config) };
  } catch {
    // A config that does not validate can still be edited (to remove the entry that breaks it).
    return {};
  }
}

function feedLabel(name: string | undefined, url: string): string {
  return name ? `"${name}" (${rel(url)})` : rel(url);
}

function layoutNote(kept: boolean, files: readonly string[]): void {
  if (!kept) printErr(`warning: ${files.map(rel).join(', ')} had to be rewritten whole: its comments are kept, but its spacing may have changed\n`);
}

function describeFilters(filters: { include?: string[]; exclude?: string[]; minWords?: number }): string {
  const terms = (list: string[]) => list.map((term) => (term.startsWith('/') ? term : JSON.stringify(term))).join(', ');
  return [
    filters.include ? `include ${terms(filters.include)}` : '',
    filters.exclude ? `exclude ${terms(filters.exclude)}` : '',
    filters.minWords ? `minWords ${filters.minWords}` : '',
  ].filter(Boolean).join('; ');
}

/** An argument as it would be typed in a shell. */
function quoteArg(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `"${value.replace(/(["\\$`])/g, '\\$1')}"`;
}

/** "; did you mean …?" for a near miss, or rss2email's and others' words for the same thing. */
async function suggestion(word: string): Promise<string | undefined> {
  const { suggest } = await import('../../config/format-issues.js');
  const synonyms: Record<string, string> = { del: 'remove', delete: 'remove', rm: 'remove', disable: 'pause', enable: 'unpause', resume: 'unpause', opmlexport: 'export', opmlimport: 'import', ls: 'list', mv: 'rename', name: 'rename' };
  const command = suggest(word, SUBCOMMANDS);
  const synonym = suggest(word, Object.keys(synonyms));
  const match = command ?? (synonym ? synonyms[synonym] : undefined);
  return match ? `; did you mean \`digest feeds ${match}\`?` : undefined;
}
