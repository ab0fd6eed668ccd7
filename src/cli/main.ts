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

function runExitCode(result: RunResult): number {
  const delivery = result.delivery;
  const deliveryTrouble = delivery ? delivery.failedPermanent + delivery.failedTemporary + delivery.pending > 0 : false;
  return result.feeds.failed.length > 0 || deliveryTrouble ? EXIT.PARTIAL : EXIT.OK;
}

function printRunSummary(out: Output, config: ResolvedConfig, result: RunResult): void {
  for (const warning of result.warnings) out.warn(warning);
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
  const d = result.delivery;
  if (d) {
    const total = d.sent + d.failedPermanent + d.failedTemporary + d.pending;
    out.line(`Sent ${d.sent} of ${total} via ${d.transport}${d.pending ? `; ${d.pending} left pending for the next run` : ''}.`);
    for (const problem of d.problems) out.line(`  ✗ ${problem.recipient} (${problem.status}): ${problem.message}`);
    if (d.aborted) out.line(`  Sending stopped: ${d.aborted}. Run again once the server is reachable; nobody gets a second copy.`);
  }
  if (result.files.html) out.line(`Preview: ${rel(result.files.html)}, ${rel(result.files.text ?? '')}`);
  if (result.files.outbox) out.line(`Outbox: ${rel(result.files.outbox)}/`);
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
    .addHelpText('after', '\nSends over SMTP when SMTP_URL is set (smtp://user:pass@host:587), else writes .eml files to <out>/outbox.\nSafe to repeat: a rerun after a crash finishes the same run without sending anyone a second copy.')
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
      const result = await runDigest(config, { onProgress: (event) => out.progress(event) });
      out.done();
      const code = runExitCode(result);
      if (options.json) printJson({ ...result, digest: undefined, decisions: undefined, exitCode: code });
      else printRunSummary(out, config, result);
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
    .addHelpText('after', '\nWith --json, prints one JSON object per input per line:\n  {"input", "headline", "lede", "quote": {"text", "speaker"} | null, "text", "image"}')
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
            process.stdout.write(`Image:    ${result.image ?? '(none)'}\n\n`);
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

