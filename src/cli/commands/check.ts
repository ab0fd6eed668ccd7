import type { Command } from 'commander';
import { common, loadConfigFor, logging, printJson, type CommonOptions, type LoggingOptions, type SetExit } from '../context.js';
import { EXIT, print } from '../output.js';

export function registerCheck(program: Command, setExit: SetExit): void {
  logging(common(program.command('check')))
    .description('validate the config, the feed list and every template, without fetching or sending')
    .option('--no-cache', 'read and validate the config file and render every template set again, even those unchanged since they last passed')
    .addHelpText('after', '\nA template set that passed is remembered (.digest/check-cache.json, keyed by its files, the settings and\nthe versions of digest and MJML) and not rendered again until something it depends on changes. An unchanged\nconfig file is not validated again either (its checked settings are kept in ~/.cache/newsletter-digest).')
    .action(async (options: CommonOptions & LoggingOptions & { cache: boolean }) => {
      const config = await loadConfigFor(options, { noCache: !options.cache });
      const { checkSetup } = await import('../../pipeline/check-setup.js');
      const report = await checkSetup(config, new Date(), { noCache: !options.cache });
      if (options.json) printJson(report);
      else {
        for (const item of report.items) {
          // --quiet: only what is wrong.
          if (options.quiet && item.ok) continue;
          const mark = !item.ok ? '✗' : item.warning ? '!' : '✓';
          print(`${mark} ${item.what}: ${item.detail.replace(/\n/g, '\n    ')}\n`);
        }
        if (!report.ok) print('Some checks failed: fix the lines marked ✗.\n');
        else if (!options.quiet) print('All good.\n');
      }
      setExit(report.ok ? EXIT.OK : EXIT.FAILED);
    });
}
