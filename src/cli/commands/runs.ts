import type { Command } from 'commander';
import { ConfigError } from '../../errors.js';
import { common, defaultSubcommand, loadConfigFor, logging, pad, printJson, rel, type CommonOptions, type LoggingOptions, type SetExit } from '../context.js';
import { createOutput, EXIT, print } from '../output.js';

function parseRunId(value: string): number {
  const id = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(id) || id < 1) {
    throw new ConfigError('CLI_BAD_RUN', `"${value}" is not a run number`, { hint: '`digest runs` lists the runs with their numbers, e.g. digest runs retry 12' });
  }
  return id;
}

export function registerRuns(program: Command, setExit: SetExit): void {
  const runs = program.command('runs').description('list recent runs and their deliveries, or retry a run’s temporary failures');
  defaultSubcommand(runs, common(runs.command('list', { isDefault: true })))
    .description('list the recent runs, newest first, with how many were sent, deferred and failed')
    .option('-n, --limit <n>', 'how many runs', (v) => Number.parseInt(v, 10), 20)
    .action(async (options: CommonOptions & { limit: number }) => {
      const config = await loadConfigFor(options);
      const { listRuns } = await import('../../pipeline/list-runs.js');
      const rows = listRuns(config, options.limit);
      if (options.json) printJson(rows);
      else if (rows.length === 0) print('No runs recorded yet.\n');
      else {
        const slotWidth = Math.max(4, ...rows.map((r) => (r.slotLocal ?? '').length));
        // "sent" is mail the SMTP server accepted; "written" is .eml files in the outbox.
        print(
          `${pad('run', 5, true)}  ${pad('slot', slotWidth)}  ${pad('via', 6)}  ${pad('status', 7)}  ${pad('items', 5, true)}  ${pad('sent', 6, true)}  ${pad('written', 7, true)}  ${pad('deferred', 8, true)}  ${pad('failed', 6, true)}  subject\n`,
        );
        for (const r of rows) {
          print(
            `${pad(r.id, 5, true)}  ${pad(r.slotLocal ?? '-', slotWidth)}  ${pad(r.transport ?? '?', 6)}  ${pad(r.status, 7)}  ${pad(r.items, 5, true)}  ${pad(r.sent, 6, true)}  ${pad(r.written, 7, true)}  ${pad(r.deferred, 8, true)}  ${pad(r.failed, 6, true)}  ${r.subject}\n`,
          );
        }
        if (rows.some((r) => r.transport === null)) print('via ?: recorded before the transport was kept with each run.\n');
        const retryable = rows.filter((r) => r.counts['failed-temporary'] > 0);
        for (const r of retryable) print(`Run ${r.id}: ${r.counts['failed-temporary']} refused for now: \`digest runs retry ${r.id}\` tries them again.\n`);
        const unfinished = rows.filter((r) => r.status === 'sending');
        for (const r of unfinished) {
          print(
            r.queue
              ? `Run ${r.id} is with the workers of the queue ${r.queue}: \`digest run\` follows it and records their reports (the counts above are those recorded so far).\n`
              : `Run ${r.id} is unfinished: the next \`digest run\` finishes it.\n`,
          );
        }
      }
      setExit(EXIT.OK);
    });
  logging(common(runs.command('retry')))
    .description('send a run’s digest again to its temporarily failed recipients (and any still pending)')
    .argument('<run>', 'the run number (see `digest runs`)')
    .action(async (value: string, options: CommonOptions & LoggingOptions) => {
      const { deliveryCounts, deliveryTrouble, printDelivery } = await import('../run-report.js');
      const runId = parseRunId(value);
      const config = await loadConfigFor(options);
      const { retryRun } = await import('../../pipeline/retry-run.js');
      const out = createOutput({ json: Boolean(options.json), quiet: options.quiet, verbose: options.verbose });
      const result = await retryRun(config, runId, { command: `digest runs retry ${runId}`, onProgress: (event) => out.progress(event), onNotice: (line) => out.line(line) });
      out.done();
      const code = deliveryTrouble(result.delivery) ? EXIT.PARTIAL : EXIT.OK;
      if (options.json) printJson({ ...result, counts: result.delivery ? deliveryCounts(result.delivery) : null, exitCode: code });
      else {
        out.line(`Run ${result.runId} ("${result.subject}"): ${result.requeued} temporarily failed recipient${result.requeued === 1 ? '' : 's'} put back in the queue.`);
        if (result.delivery) printDelivery(out, result.delivery, result.runId);
        else out.line('Nobody left to send to in this run.');
        if (result.files.outbox) out.line(`Outbox: ${rel(result.files.outbox)}/`);
      }
      setExit(code);
    });
}
