import type { Command } from 'commander';
import type { ResolvedConfig } from '../../config/resolve-config.js';
import type { DryRunResult } from '../../pipeline/dry-run.js';
import { common, loadConfigFor, logging, printJson, type CommonOptions, type LoggingOptions, type SetExit } from '../context.js';
import { failureLine, pausedLine } from '../feed-report.js';
import { createOutput, EXIT, type Output } from '../output.js';

interface RunOptions extends CommonOptions, LoggingOptions {
  dryRun?: boolean;
  explain?: boolean;
}

/** Loaded when a command runs, not for `digest --help`. */
type RunReport = typeof import('../run-report.js');

export function registerRun(program: Command, setExit: SetExit): void {
  logging(common(program.command('run')))
    .description('the scheduled job: fetch feeds, pick new items, render, and send (or write the outbox)')
    .addHelpText(
      'after',
      '\nSends over SMTP (SMTP_URL=smtp://user:pass@host:587) or writes .eml files to <out>/outbox, as delivery.transport\nsays; with auto, as the first run decided (and recorded). Without SMTP_URL where SMTP was decided, it stops\nbefore fetching anything (exit code 1). --quiet prints only problems: under cron, no output means all went well.\nSafe to repeat and to call from cron: runs never overlap (a second one stops with exit code 1), and a rerun\nafter a crash finishes the same run (README: "Delivery guarantees"). Ctrl-C or SIGTERM while sending stops\nafter the messages in flight; the rest stay pending for the next run.',
    )
    .option('--dry-run', 'do everything up to sending, without sending or changing state')
    .option('--explain', 'with --dry-run: list every item and why it is included or skipped')
    .action(async (options: RunOptions) => {
      const { printFeedDetails, printRunSummary, runExitCode, runJson, withStopSignal } = await import('../run-report.js');
      const config = await loadConfigFor(options);
      const out = createOutput({ json: Boolean(options.json), quiet: options.quiet, verbose: options.verbose });
      if (options.dryRun || options.explain) {
        const { ageLimitNote, dryRun, explainLines } = await import('../../pipeline/dry-run.js');
        const { describeLeftOut, leftOutJson, storiesJson } = await import('../../pipeline/digest-json.js');
        const preview = await dryRun(config, { onProgress: (event) => out.progress(event) });
        out.done();
        const code = preview.feeds.failed.length > 0 ? EXIT.PARTIAL : EXIT.OK;
        if (options.json) {
          printJson({
            subject: preview.subject,
            items: preview.digest.items.length,
            recipients: preview.recipients,
            excluded: preview.excluded,
            stories: storiesJson(preview.digest),
            left_out: leftOutJson(preview.digest.leftOut),
            feeds: preview.feeds,
            decisions: preview.decisions,
            warnings: preview.warnings,
            exitCode: code,
          });
        } else {
          const { feedKey } = await import('../../select/item-id.js');
          const explained = options.explain ? explainLines(preview.decisions, config.feeds.map(feedKey), preview.digest.leftOut) : null;
          printDryRun(printFeedDetails, out, config, preview, describeLeftOut(preview.digest.leftOut.filter((story) => story.reason !== 'too-old')), explained, ageLimitNote(preview.decisions, config.limits.maxAgeDays));
        }
        setExit(code);
        return;
      }
      const { runDigest } = await import('../../pipeline/run-digest.js');
      // Ctrl-C or SIGTERM while sending: finish the messages in flight, leave the rest pending.
      const result = await withStopSignal((signal) => runDigest(config, { onProgress: (event) => out.progress(event), onNotice: (line) => out.line(line), signal }));
      out.done();
      const code = runExitCode(result);
      if (options.json) printJson(runJson(result, code));
      else printRunSummary(out, config, result);
      setExit(code);
    });
}

function printDryRun(printFeedDetails: RunReport['printFeedDetails'], out: Output, config: ResolvedConfig, result: DryRunResult, leftOut: string[], explained: string[] | null, ageNote: string | null): void {
  for (const warning of result.warnings) out.warn(warning);
  out.line(`Dry run: nothing is sent and the state is not changed.`);
  out.line(`${result.feeds.total} feeds read, ${result.feeds.failed.length} failed.`);
  for (const failure of result.feeds.failed) out.problem(failureLine(failure, config.fetch.attentionAfter));
  const paused = pausedLine(config);
  if (paused) out.line(paused);
  printFeedDetails(out, config, result);
  const count = result.digest.items.length;
  if (count === 0) out.line('Nothing new: the next run would send nothing.');
  else {
    const left = Object.entries(result.excluded).map(([why, n]) => `${n} ${why}`);
    out.line(`The next run would send "${result.subject}" (${count} item${count === 1 ? '' : 's'}) to ${result.recipients} reader${result.recipients === 1 ? '' : 's'}${left.length ? ` (not to: ${left.join(', ')})` : ''}.`);
  }
  for (const line of leftOut) out.line(`  ${line}`);
  if (ageNote) out.line(ageNote);
  if (explained) {
    out.line('');
    for (const line of explained) out.line(line);
  } else out.line('Add --explain to see every item and why it is in or out.');
}
