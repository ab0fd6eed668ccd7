import path from 'node:path';
import type { Command } from 'commander';
import { common, loadConfigFor, logging, printJson, rel, type CommonOptions, type LoggingOptions, type SetExit } from '../context.js';
import { failureLine } from '../feed-report.js';
import { createOutput, EXIT } from '../output.js';

export function registerPreview(program: Command, setExit: SetExit): void {
  logging(common(program.command('preview')))
    .description('render the current digest to files without sending or changing state')
    .option('-o, --out <dir>', 'folder for digest.html and digest.txt (default: the config’s `out`)')
    .action(async (options: CommonOptions & LoggingOptions & { out?: string }) => {
      const config = await loadConfigFor(options);
      const { previewDigest } = await import('../../pipeline/run-digest.js');
      const { describeLeftOut, leftOutJson, storiesJson } = await import('../../pipeline/digest-json.js');
      const out = createOutput({ json: Boolean(options.json), quiet: options.quiet, verbose: options.verbose });
      const result = await previewDigest(config, {
        ...(options.out ? { outDir: path.resolve(options.out) } : {}),
        onProgress: (event) => out.progress(event),
      });
      out.done();
      const code = result.feeds.failed.length > 0 ? EXIT.PARTIAL : EXIT.OK;
      if (options.json) {
        printJson({
          subject: result.rendered.subject,
          preheader: result.rendered.preheader,
          items: result.digest.items.length,
          stories: storiesJson(result.digest),
          left_out: leftOutJson(result.digest.leftOut),
          feeds: result.feeds,
          files: result.files,
          warnings: result.warnings,
          exitCode: code,
        });
      } else {
        for (const warning of result.warnings) out.warn(warning);
        for (const failure of result.feeds.failed) out.problem(failureLine(failure, config.fetch.attentionAfter));
        out.line(`"${result.rendered.subject}": ${result.digest.items.length} items from ${result.feeds.ok} of ${result.feeds.total} feeds.`);
        for (const line of describeLeftOut(result.digest.leftOut)) out.line(`  ${line}`);
        out.line(rel(result.files.html));
        out.line(rel(result.files.text));
      }
      setExit(code);
    });
}
