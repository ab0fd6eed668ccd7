import type { Command } from 'commander';
import { ConfigError } from '../../errors.js';
import { common, loadConfigFor, logging, printJson, rel, type CommonOptions, type LoggingOptions, type SetExit } from '../context.js';
import { createOutput, EXIT } from '../output.js';

export function registerSend(program: Command, setExit: SetExit): void {
  logging(common(program.command('send')))
    .description('send the current digest to one address as a test, outside the normal run')
    .requiredOption('-t, --to <address>', 'who gets the test message')
    .action(async (options: CommonOptions & LoggingOptions & { to: string }) => {
      const { isEmailAddress } = await import('../../config/value-checks.js');
      if (!isEmailAddress(options.to)) {
        throw new ConfigError('CLI_BAD_ADDRESS', `--to: "${options.to}" is not an email address`, { hint: 'Give one address, e.g. --to editor@example.com' });
      }
      const config = await loadConfigFor(options);
      const { sendTestDigest } = await import('../../pipeline/run-digest.js');
      const out = createOutput({ json: Boolean(options.json), quiet: options.quiet, verbose: options.verbose });
      const result = await sendTestDigest(config, options.to, { onProgress: (event) => out.progress(event) });
      out.done();
      if (options.json) printJson(result);
      else {
        for (const warning of result.warnings) out.warn(warning);
        if (result.kind === 'outbox') out.line(`Wrote "${result.subject}" (${result.items} items) for ${result.to} to ${rel(result.response)}: nothing was emailed (SMTP_URL is not set).`);
        else out.line(`Sent "${result.subject}" (${result.items} items) to ${result.to} via ${result.transport}.`);
      }
      setExit(EXIT.OK);
    });
}
