import type { Command } from 'commander';
import { common, loadConfigFor, printJson, type CommonOptions, type SetExit } from '../context.js';
import { EXIT } from '../output.js';

export function registerCheck(program: Command, setExit: SetExit): void {
  common(program.command('check'))
    .description('validate the config, the feed list and every template, without fetching or sending')
    .action(async (options: CommonOptions) => {
      const config = await loadConfigFor(options);
      const { checkSetup } = await import('../../pipeline/check-setup.js');
      const report = await checkSetup(config);
      if (options.json) printJson(report);
      else {
        for (const item of report.items) {
          const mark = !item.ok ? '✗' : item.warning ? '!' : '✓';
          process.stdout.write(`${mark} ${item.what}: ${item.detail.replace(/\n/g, '\n    ')}\n`);
        }
        process.stdout.write(report.ok ? 'All good.\n' : 'Some checks failed: fix the lines marked ✗.\n');
      }
      setExit(report.ok ? EXIT.OK : EXIT.FAILED);
    });
}
