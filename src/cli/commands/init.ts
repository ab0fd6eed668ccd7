import type { Command } from 'commander';
import { configFilePath } from '../../config/config-file.js';
import { rel, type SetExit } from '../context.js';
import { EXIT, print } from '../output.js';

export function registerInit(program: Command, setExit: SetExit): void {
  program
    .command('init')
    .description('write a commented starter config (digest.config.yaml) in this folder')
    .option('-c, --config <file>', 'where to write it (default: digest.config.yaml in this folder)')
    .option('--force', 'replace an existing config file')
    .addHelpText(
      'after',
      '\nEvery other command except extract needs a config file, and refuses to run without one. The starter\ndecides delivery.transport once: smtp when SMTP_URL is set now, else outbox.',
    )
    .action(async (options: { config?: string; force?: boolean }) => {
      const { writeStarterConfig } = await import('../../config/starter-config.js');
      const { file } = configFilePath({ configPath: options.config, env: {} });
      const written = writeStarterConfig(file, { force: Boolean(options.force) });
      print(`Wrote ${rel(written.file)}: a starter config with no feeds and no readers yet.\n`);
      print(
        written.transport === 'smtp'
          ? 'SMTP_URL is set: runs will send over SMTP (delivery.transport: smtp), and refuse to start without SMTP_URL.\n'
          : 'SMTP_URL is not set: runs will write .eml files to out/outbox and send nothing (delivery.transport: outbox). Set it to smtp, with SMTP_URL, to send.\n',
      );
      print('Next: add feeds (`digest feeds add URL`) and recipients, then `digest check` and `digest preview`.\n');
      setExit(EXIT.OK);
    });
}
