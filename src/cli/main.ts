import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { loadConfig, DEFAULT_CONFIG_FILE } from '../config/load-config.js';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { addFeedsToConfig } from '../config/edit-config.js';
import { readOpml } from '../config/read-opml.js';
import { PACKAGE_DIR } from '../config/package-dir.js';
import { ConfigError } from '../errors.js';
import { isEmailAddress } from '../config/schema.js';
import { runDigest, previewDigest, sendTestDigest, type RunResult } from '../pipeline/run-digest.js';
import { listRuns } from '../pipeline/list-runs.js';
import { retryRun } from '../pipeline/retry-run.js';
import type { DeliveryReport } from '../deliver/deliver-run.js';
import { describeScheduleEvent, runSchedule } from '../schedule/run-schedule.js';
import { checkSetup } from '../pipeline/check-setup.js';
import { extractInput } from '../pipeline/extract-inputs.js';
import { startPreviewServer } from '../preview/preview-server.js';
import { StateStore } from '../state/state-store.js';
import { createOutput, errorJson, EXIT, printError, type Output } from './output.js';
import { dryRun } from '../pipeline/dry-run.js';
import { findFeed } from '../pipeline/add-feed.js';
import { failureLine, printDryRun } from './feed-report.js';

interface CommonOptions {
  config?: string;
  json?: boolean;
}

function version(): string {
  try {
    return (JSON.parse(readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

function rel(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') ? relative : file;
}

function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Adds the options every command takes. */
function common(command: Command, json = true): Command {
  command.option('-c, --config <file>', `config file (default: ${DEFAULT_CONFIG_FILE} in this folder, else the built-in sample setup)`);
  if (json) command.option('--json', 'print a machine-readable result on stdout instead of text');
  return command;
}

/** The config file commands read (for watching), or undefined with the built-in defaults. */
function configFileFor(options: CommonOptions): string | undefined {
  const explicit = options.config ?? (process.env.DIGEST_CONFIG || undefined);
  if (explicit) return path.resolve(explicit);
  const local = path.resolve(DEFAULT_CONFIG_FILE);
  return existsSync(local) ? local : undefined;
}

function load(options: CommonOptions): ResolvedConfig {
  return loadConfig(options.config ? { configPath: options.config } : {});
}

function deliveryTrouble(delivery: DeliveryReport | null | undefined): boolean {
  return delivery ? delivery.failedPermanent + delivery.failedTemporary + delivery.pending > 0 : false;
}

function runExitCode(result: RunResult): number {
  const trouble = deliveryTrouble(result.delivery) || deliveryTrouble(result.resumed?.delivery);
  return result.feeds.failed.length > 0 || trouble ? EXIT.PARTIAL : EXIT.OK;
}

/** Sent, deferred (pending, or refused for now) and failed (refused for good), as the summary and --json give them. */
function deliveryCounts(d: DeliveryReport): { sent: number; deferred: number; failed: number; total: number } {
  const deferred = d.pending + d.failedTemporary;
  return { sent: d.sent, deferred, failed: d.failedPermanent, total: d.sent + deferred + d.failedPermanent };
}

function printDelivery(out: Output, d: DeliveryReport, runId: number | null): void {
  const c = deliveryCounts(d);
  out.line(`Sent ${c.sent} of ${c.total} via ${d.transport} (${c.deferred} deferred, ${c.failed} failed).`);
  for (const problem of d.problems) out.line(`  ✗ ${problem.recipient} (${problem.status}): ${problem.message}`);
  if (d.pending) out.line(`  ${d.pending} pending: the next \`digest run\` sends to them; nobody gets a second copy.`);
  if (d.failedTemporary) out.line(`  ${d.failedTemporary} refused for now (4xx): \`digest runs retry ${runId ?? 'RUN'}\` tries them again.`);
  if (d.aborted) {
    out.line(`  Sending stopped: ${d.aborted}.`);
    if (d.abortHint) out.line(`  → ${d.abortHint}`);
  }
  if (d.interrupted) out.line('  Stopped on request: the rest stay pending for the next run.');
}

function printRunSummary(out: Output, config: ResolvedConfig, result: RunResult): void {
  for (const warning of result.warnings) out.warn(warning);
  if (result.resumed) {
    out.line(`Finished run ${result.resumed.runId} that an earlier process left unfinished ("${result.resumed.subject}").`);
    printDelivery(out, result.resumed.delivery, result.resumed.runId);
  }
  if (result.status === 'already-served') {
    out.line('This slot has already been served: nothing to do.');
    return;
  }
  if (result.status === 'resumed') {
    out.line(`Finished run ${result.runId} that an earlier process left unfinished ("${result.subject}").`);
  } else {
    const feeds = result.feeds;
    out.line(`${config.title}: ${feeds.total} feed${feeds.total === 1 ? '' : 's'} read, ${feeds.failed.length} failed.`);
    for (const failure of feeds.failed) out.line(failureLine(failure, config.fetch.attentionAfter));
    if (result.status === 'nothing-new') {
      out.line('Nothing new since the last digest: no email sent.');
      return;
    }
    out.line(`${result.items} item${result.items === 1 ? '' : 's'} chosen for "${result.subject}".`);
  }
  if (result.delivery) printDelivery(out, result.delivery, result.runId);
  if (result.files.html) out.line(`Preview: ${rel(result.files.html)}, ${rel(result.files.text ?? '')}`);
  if (result.files.outbox) out.line(`Outbox: ${rel(result.files.outbox)}/`);
}

function runJson(result: RunResult, code: number): Record<string, unknown> {
  return {
    ...result,
    digest: undefined,
    decisions: undefined,
    counts: result.delivery ? deliveryCounts(result.delivery) : null,
    exitCode: code,
  };
}

function parseRunId(value: string): number {
  const id = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(id) || id < 1) {
    throw new ConfigError('CLI_BAD_RUN', `"${value}" is not a run number`, { hint: '`digest runs` lists the runs with their numbers, e.g. digest runs retry 12' });
  }
  return id;
}

function pad(text: string | number, width: number, right = false): string {
  const value = String(text);
  return right ? value.padStart(width) : value.padEnd(width);
}

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('digest')
    .description('Turn RSS, Atom and JSON feeds into a clean email digest, and send or preview it.')
    .version(version(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `\nExit codes: ${EXIT.OK} done; ${EXIT.PARTIAL} done, but some feeds or recipients failed; ${EXIT.FAILED} could not run.\nWith no config file, commands use the built-in sample setup (bundled feeds, outbox in ./out).`,
    );

  common(program.command('run'))
    .description('the scheduled job: fetch feeds, pick new items, render, and send (or write the outbox)')
    .addHelpText(
      'after',
      '\nSends over SMTP when SMTP_URL is set (smtp://user:pass@host:587), else writes .eml files to <out>/outbox.\nSafe to repeat and to call from cron: runs never overlap (a second one stops with exit code 1), and a rerun\nafter a crash finishes the same run (README: "Delivery guarantees"). Ctrl-C or SIGTERM while sending stops\nafter the messages in flight; the rest stay pending for the next run.',
    )
    .option('--dry-run', 'do everything up to sending, without sending or changing state')
    .option('--explain', 'with --dry-run: list every item and why it is included or skipped')
    .action(async (options: CommonOptions & { dryRun?: boolean; explain?: boolean }) => {
      const config = load(options);
      const out = createOutput({ json: Boolean(options.json) });
      if (options.dryRun || options.explain) {
        const preview = await dryRun(config, { onProgress: (event) => out.progress(event) });
        out.done();
        const code = preview.feeds.failed.length > 0 ? EXIT.PARTIAL : EXIT.OK;
        if (options.json) printJson({ subject: preview.subject, items: preview.digest.items.length, recipients: preview.recipients, feeds: preview.feeds, decisions: preview.decisions, warnings: preview.warnings, exitCode: code });
        else printDryRun(out, config, preview, Boolean(options.explain));
        setExit(code);
        return;
      }
      // Ctrl-C or SIGTERM while sending: finish the messages in flight, leave the rest pending.
      const stop = new AbortController();
      const onSignal = () => (stop.signal.aborted ? process.exit(EXIT.FAILED) : stop.abort());
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      let result: RunResult;
      try {
        result = await runDigest(config, { onProgress: (event) => out.progress(event), signal: stop.signal });
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      out.done();
      const code = runExitCode(result);
      if (options.json) printJson(runJson(result, code));
      else printRunSummary(out, config, result);
      setExit(code);
    });

  common(program.command('schedule'), false)
    .description('keep running and send the digest at each time of the config’s `schedule`, in its `timezone`')
    .addHelpText(
      'after',
      '\nFor a service (systemd, a container) instead of cron. Slots missed while the machine was asleep or off are\ncaught up within `scheduleGraceMinutes`, later ones skipped and logged. Runs never overlap (a lock), and a slot\nalready served by `digest run` is not served again. Stop with Ctrl-C or SIGTERM: a send in progress stops\nstarting messages, and the rest stay pending for the next run.',
    )
    .action(async (options: CommonOptions) => {
      const config = load(options);
      const out = createOutput({ json: false });
      const log = (text: string) => out.line(`[${new Date().toISOString()}] ${text}`);
      const stop = new AbortController();
      const onSignal = (signal: NodeJS.Signals) => {
        if (stop.signal.aborted) process.exit(EXIT.FAILED);
        log(`${signal}: stopping (a send in progress finishes the messages in flight; the rest stay pending for the next run)`);
        stop.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      for (const warning of config.warnings) out.warn(warning);
      log(`scheduling "${config.title}" on "${config.schedule}" in ${config.timezone}; a slot missed by up to ${config.scheduleGraceMinutes} min is caught up`);
      try {
        await runSchedule(config, {
          signal: stop.signal,
          pipeline: { onProgress: (event) => out.progress(event) },
          onEvent: (event) => {
            out.done();
            if (event.type === 'served' || event.type === 'resumed') {
              const result = event.result;
              printRunSummary(out, config, { ...result, warnings: result.warnings.filter((w) => !config.warnings.includes(w)) });
            }
            if (event.type === 'failed') printError(event.error);
            if (event.type !== 'started') log(describeScheduleEvent(event, config.timezone));
          },
        });
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      log('stopped');
      setExit(EXIT.OK);
    });

  const runs = program.command('runs').description('list recent runs and their deliveries, or retry a run’s temporary failures');
  common(runs.command('list', { isDefault: true }))
    .description('list the recent runs, newest first, with how many were sent, deferred and failed')
    .option('-n, --limit <n>', 'how many runs', (v) => Number.parseInt(v, 10), 20)
    .action((options: CommonOptions & { limit: number }) => {
      const config = load(options);
      const rows = listRuns(config, options.limit);
      if (options.json) printJson(rows);
      else if (rows.length === 0) process.stdout.write('No runs recorded yet.\n');
      else {
        const slotWidth = Math.max(4, ...rows.map((r) => (r.slotLocal ?? '').length));
        process.stdout.write(`${pad('run', 5, true)}  ${pad('slot', slotWidth)}  ${pad('status', 7)}  ${pad('items', 5, true)}  ${pad('sent', 6, true)}  ${pad('deferred', 8, true)}  ${pad('failed', 6, true)}  subject\n`);
        for (const r of rows) {
          process.stdout.write(
            `${pad(r.id, 5, true)}  ${pad(r.slotLocal ?? '-', slotWidth)}  ${pad(r.status, 7)}  ${pad(r.items, 5, true)}  ${pad(r.sent, 6, true)}  ${pad(r.deferred, 8, true)}  ${pad(r.failed, 6, true)}  ${r.subject}\n`,
          );
        }
        const retryable = rows.filter((r) => r.counts['failed-temporary'] > 0);
        for (const r of retryable) process.stdout.write(`Run ${r.id}: ${r.counts['failed-temporary']} refused for now: \`digest runs retry ${r.id}\` tries them again.\n`);
        const unfinished = rows.filter((r) => r.status === 'sending');
        for (const r of unfinished) process.stdout.write(`Run ${r.id} is unfinished: the next \`digest run\` finishes it.\n`);
      }
      setExit(EXIT.OK);
    });
  common(runs.command('retry'))
    .description('send a run’s digest again to its temporarily failed recipients (and any still pending)')
    .argument('<run>', 'the run number (see `digest runs`)')
    .action(async (value: string, options: CommonOptions) => {
      const runId = parseRunId(value);
      const config = load(options);
      const out = createOutput({ json: Boolean(options.json) });
      const result = await retryRun(config, runId, { command: `digest runs retry ${runId}`, onProgress: (event) => out.progress(event) });
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

  common(program.command('preview'))
    .description('render the current digest to files without sending or changing state')
    .option('-o, --out <dir>', 'folder for digest.html and digest.txt (default: the config’s `out`)')
    .action(async (options: CommonOptions & { out?: string }) => {
      const config = load(options);
      const out = createOutput({ json: Boolean(options.json) });
      const result = await previewDigest(config, {
        ...(options.out ? { outDir: path.resolve(options.out) } : {}),
        onProgress: (event) => out.progress(event),
      });
      out.done();
      const code = result.feeds.failed.length > 0 ? EXIT.PARTIAL : EXIT.OK;
      if (options.json) {
        printJson({ subject: result.rendered.subject, preheader: result.rendered.preheader, items: result.digest.items.length, feeds: result.feeds, files: result.files, warnings: result.warnings, exitCode: code });
      } else {
        for (const warning of result.warnings) out.warn(warning);
        for (const failure of result.feeds.failed) out.line(failureLine(failure, config.fetch.attentionAfter));
        out.line(`"${result.rendered.subject}": ${result.digest.items.length} items from ${result.feeds.ok} of ${result.feeds.total} feeds.`);
        out.line(rel(result.files.html));
        out.line(rel(result.files.text));
      }
      setExit(code);
    });

  common(program.command('send'))
    .description('send the current digest to one address as a test, outside the normal run')
    .requiredOption('-t, --to <address>', 'who gets the test message')
    .action(async (options: CommonOptions & { to: string }) => {
      if (!isEmailAddress(options.to)) {
        throw new ConfigError('CLI_BAD_ADDRESS', `--to: "${options.to}" is not an email address`, { hint: 'Give one address, e.g. --to editor@example.com' });
      }
      const config = load(options);
      const out = createOutput({ json: Boolean(options.json) });
      const result = await sendTestDigest(config, options.to, { onProgress: (event) => out.progress(event) });
      out.done();
      if (options.json) printJson(result);
      else {
        for (const warning of result.warnings) out.warn(warning);
        out.line(`Sent "${result.subject}" (${result.items} items) to ${result.to} via ${result.transport}.`);
        if (result.response.endsWith('.eml')) out.line(rel(result.response));
      }
      setExit(EXIT.OK);
    });

  common(program.command('check'))
    .description('validate the config, the feed list and every template, without fetching or sending')
    .action(async (options: CommonOptions) => {
      const config = load(options);
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

  common(program.command('serve'), false)
    .description('a live preview for template editors: a page on 127.0.0.1 that re-renders on every save')
    .option('-p, --port <n>', 'port on 127.0.0.1 (default: serve.port in the config, 4580; 0 = any free port)', (v) => Number.parseInt(v, 10))
    .option('--refresh', 'fetch the feeds at start instead of using the stories cached by the last serve')
    .addHelpText(
      'after',
      '\nWatches the theme, the partials folder, the config and its feed lists. Saving a template re-renders from the\nstories already fetched (never refetching); "Refresh feeds" on the page fetches again. Opens nothing: open the\nprinted address in a browser. Ctrl+C stops it.',
    )
    .action(async (options: CommonOptions & { port?: number; refresh?: boolean }) => {
      const configFile = configFileFor(options);
      let port = options.port;
      if (port === undefined || Number.isNaN(port)) {
        try {
          port = load(options).serve.port;
        } catch {
          // A broken config is shown on the page (and fixed there); serve on the default port.
          port = 4580;
        }
      }
      const out = createOutput({ json: false });
      const server = await startPreviewServer({
        port,
        configFile,
        refresh: Boolean(options.refresh),
        loadConfig: () => load(options),
        onRebuild: (event) => {
          const time = new Date().toTimeString().slice(0, 8);
          const why = event.reasons.join(', ');
          if (event.ok) out.line(`${time} rendered in ${Math.round(event.ms)} ms${event.fetched ? ' (feeds fetched)' : ''}${why ? ` · ${why}` : ''}`);
          else out.line(`${time} ✗ ${event.error?.split('\n')[0]}${why ? ` · ${why}` : ''}`);
        },
      });
      out.line(`Preview: ${server.url}`);
      out.line('Open it in a browser; it updates on every save. Ctrl+C to stop.');
      await server.ready;
      out.line(`Watching ${server.session.state().watching.map(rel).join(', ') || 'nothing'}`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await server.close();
      setExit(EXIT.OK);
    });

  common(program.command('extract'))
    .description('clean and trim single articles (HTML pages, or text with the title on line 1) and print the blocks')
    .argument('<inputs...>', 'files or http(s) URLs')
    .option('--lede-words <n>', 'word budget for the lede', (v) => Number.parseInt(v, 10))
    .addHelpText('after', '\nWith --json, prints one JSON object per input per line:\n  {"input", "headline", "lede", "quote": {"text", "speaker"} | null, "text", "image": {"url", "width", "height"} | null}')
    .action(async (inputs: string[], options: CommonOptions & { ledeWords?: number }) => {
      let failed = 0;
      for (const input of inputs) {
        try {
          const result = await extractInput(input, options.ledeWords ? { ledeMaxWords: options.ledeWords } : {});
          if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
          else {
            process.stdout.write(`── ${input}\n`);
            process.stdout.write(`Headline: ${result.headline}\n`);
            process.stdout.write(`Lede:     ${result.lede}\n`);
            process.stdout.write(`Quote:    ${result.quote ? `“${result.quote.text}” — ${result.quote.speaker}` : '(none)'}\n`);
            process.stdout.write(`Image:    ${result.image ? `${result.image.url}${result.image.width ? ` (${result.image.width}${result.image.height ? `×${result.image.height}` : ''} px)` : ''}` : '(none)'}\n\n`);
          }
        } catch (error) {
          failed++;
          if (options.json) process.stdout.write(`${JSON.stringify({ input, error: errorJson(error) })}\n`);
          else printError(error);
        }
      }
      setExit(failed === 0 ? EXIT.OK : failed === inputs.length ? EXIT.FAILED : EXIT.PARTIAL);
    });

  const feeds = program.command('feeds').description('list the configured feeds and their health, or import subscriptions');
  common(feeds.command('list', { isDefault: true }))
    .description('list the configured feeds with their last fetch result')
    .action((options: CommonOptions) => {
      const config = load(options);
      let health = new Map<string, ReturnType<StateStore['listFeeds']>[number]>();
      try {
        const store = StateStore.open(config.statePath);
        health = new Map(store.listFeeds().map((f) => [f.url, f]));
        store.close();
      } catch {
        // No state yet: every feed is simply "never fetched".
      }
      const rows = config.feeds.map((feed) => {
        const state = health.get(feed.url);
        return {
          url: feed.url,
          name: feed.name ?? state?.title ?? null,
          section: feed.section ?? null,
          lastSuccess: state?.lastSuccessAt ?? null,
          lastStatus: state?.lastStatus ?? null,
          lastError: state?.lastError ?? null,
          consecutiveFailures: state?.consecutiveFailures ?? 0,
          gone: state?.gone ?? false,
          movedTo: state?.movedTo ?? null,
          needsAttention: (state?.consecutiveFailures ?? 0) >= config.fetch.attentionAfter || Boolean(state?.gone),
        };
      });
      if (options.json) printJson(rows);
      else {
        for (const row of rows) {
          const health =
            row.lastStatus === null
              ? 'never fetched'
              : row.lastError
                ? `failing ${row.consecutiveFailures} run${row.consecutiveFailures === 1 ? '' : 's'} in a row${row.lastSuccess ? ` (last worked ${row.lastSuccess})` : ''}: ${row.lastError}`
                : `ok (last fetched ${row.lastSuccess})`;
          process.stdout.write(`${row.needsAttention ? '! ' : ''}${row.name ?? row.url}${row.needsAttention ? '  — needs attention' : ''}\n  ${rel(row.url)}\n  ${health}\n`);
          if (row.movedTo) process.stdout.write(`  moved permanently to ${row.movedTo} (update the config)\n`);
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
      const found = await findFeed(url, { ...(options.name ? { name: options.name } : {}), ...(options.section ? { section: options.section } : {}) });
      const target = path.resolve(options.config ?? DEFAULT_CONFIG_FILE);
      const result = addFeedsToConfig(target, [found.feed]);
      if (found.discoveredFrom) process.stdout.write(`${url} is a web page; it points to the feed ${found.feed.url}.\n`);
      for (const other of found.alternatives) process.stdout.write(`  (it also advertises ${other.url}${other.title ? ` "${other.title}"` : ''})\n`);
      if (result.added.length) process.stdout.write(`Added "${found.feed.name ?? found.feed.url}" (${found.items} items now) to ${rel(result.file)}.\n`);
      else process.stdout.write(`${found.feed.url} is already in ${rel(result.file)}.\n`);
      setExit(EXIT.OK);
    });
  common(feeds.command('import'), false)
    .description('add the subscriptions of an OPML file (exported from a feed reader) to the config')
    .argument('<file>', 'an .opml file')
    .action((file: string, options: CommonOptions) => {
      let xml: string;
      try {
        xml = readFileSync(file, 'utf8');
      } catch (error) {
        throw new ConfigError('OPML_UNREADABLE', `${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { cause: error, context: { file } });
      }
      let imported;
      try {
        imported = readOpml(xml);
      } catch (error) {
        throw new ConfigError('OPML_INVALID', `${file}: ${(error as Error).message}`, { cause: error, context: { file }, hint: 'Export the subscriptions from your feed reader again as OPML.' });
      }
      const target = path.resolve(options.config ?? DEFAULT_CONFIG_FILE);
      const result = addFeedsToConfig(target, imported);
      process.stdout.write(
        `${result.created ? 'Created' : 'Updated'} ${rel(result.file)}: added ${result.added.length} feed${result.added.length === 1 ? '' : 's'}` +
          `${result.skipped.length ? `, ${result.skipped.length} already there` : ''}.\n`,
      );
      setExit(EXIT.OK);
    });

  return program;
}

/** Runs the CLI; returns the exit code instead of exiting, so tests can call it in-process. */
export async function main(argv: readonly string[]): Promise<number> {
  let code: number = EXIT.OK;
  const program = buildProgram((c) => {
    code = c;
  });
  program.exitOverride();
  for (const command of program.commands) {
    command.exitOverride();
    for (const sub of command.commands) sub.exitOverride();
  }
  const wantsJson = argv.includes('--json');
  try {
    await program.parseAsync([...argv]);
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version "fail" with exit code 0; usage errors were already printed.
      return error.exitCode === 0 ? EXIT.OK : EXIT.FAILED;
    }
    if (wantsJson) printJson({ error: errorJson(error), exitCode: EXIT.FAILED });
    else printError(error);
    return EXIT.FAILED;
  }
}

