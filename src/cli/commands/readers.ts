import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { common, loadConfigFor, pad, plural, printJson, rel, type CommonOptions, type SetExit } from '../context.js';
import { EXIT, print, printData, printErr } from '../output.js';

const STATE_TEXT: Record<string, string> = {
  active: 'active',
  paused: 'paused',
  pending: 'asked to join, not confirmed',
  unsubscribed: 'unsubscribed',
  'hard-bounce': 'bounced (hard)',
  'soft-bounce': 'bounced (soft, repeatedly)',
  complaint: 'complained (spam report)',
  manual: 'blocked by hand',
};

export function registerReaders(program: Command, setExit: SetExit): void {
  const readers = program
    .command('readers')
    .description('who gets the digest: list, add, remove, import and export readers')
    .addHelpText(
      'after',
      '\nReaders are the config’s recipients and the subscribers who joined through `digest web` (or were added here),\nless everyone suppressed (unsubscribed, bounced, complained, blocked) or paused. Readers listed in the config\nstay there: `readers remove` stops their digest, editing the config removes them.',
    );

  common(readers.command('list', { isDefault: true }))
    .description('list the readers with their state (active, paused, unsubscribed, bounced, …) and sections')
    .option('--all', 'also requests to join not confirmed yet, and suppressed addresses on no list')
    .action(async (options: CommonOptions & { all?: boolean }) => {
      const config = await loadConfigFor(options);
      const { listReaders } = await import('../../audience/manage-readers.js');
      const rows = listReaders(config, { all: Boolean(options.all) });
      if (options.json) {
        printJson(rows);
        setExit(EXIT.OK);
        return;
      }
      if (rows.length === 0) print('No readers yet: add recipients to the config, `digest readers add ADDRESS`, or let people join with `digest web`.\n');
      const width = Math.min(40, Math.max(5, ...rows.map((r) => r.email.length)));
      if (rows.length) print(`${pad('email', width)}  ${pad('from', 10)}  state\n`);
      for (const r of rows) {
        const state = [
          STATE_TEXT[r.state] ?? r.state,
          r.state === 'paused' && r.pausedUntil ? `until ${r.pausedUntil.slice(0, 10)}` : '',
          r.suppression ? `since ${r.suppression.createdAt.slice(0, 10)} (${r.suppression.source}${r.suppression.detail ? `: ${r.suppression.detail}` : ''})` : '',
          r.sections ? `sections: ${r.sections.join(', ')}` : '',
        ].filter(Boolean);
        const from = r.source === 'subscriber' ? (r.joinedVia ?? 'subscriber') : r.source === 'none' ? '-' : 'config';
        print(`${pad(r.email, width)}  ${pad(from, 10)}  ${state.join('; ')}\n`);
      }
      const active = rows.filter((r) => r.state === 'active').length;
      if (rows.length) print(`${plural(active, 'reader')} get the next digest; ${rows.length - active} do not.\n`);
      setExit(EXIT.OK);
    });

  common(readers.command('add'))
    .description('add a reader (a confirmed subscriber: you vouch that they asked for it)')
    .argument('<email>', 'their address')
    .option('--name <name>', 'their name')
    .option('--sections <list>', 'only these sections, comma-separated (default: all)')
    .option('--unsuppress', 'they asked to be back: lift their unsubscribe, bounce, complaint or block')
    .action(async (email: string, options: CommonOptions & { name?: string; sections?: string; unsuppress?: boolean }) => {
      const config = await loadConfigFor(options);
      const { addReader } = await import('../../audience/manage-readers.js');
      const result = addReader(config, {
        email,
        ...(options.name ? { name: options.name } : {}),
        ...(options.sections ? { sections: options.sections.split(',').filter((s) => s.trim()) } : {}),
        unsuppress: Boolean(options.unsuppress),
      });
      if (options.json) printJson(result);
      else {
        print(
          result.inConfig
            ? `${result.email} is in the config’s recipients already.\n`
            : result.already
              ? `${result.email} was a subscriber already; updated.\n`
              : `Added ${result.email}.\n`,
        );
        if (result.suppression && result.unsuppressed) print(`Lifted the suppression (${result.suppression.reason} since ${result.suppression.createdAt.slice(0, 10)}): ${result.email} gets the next digest.\n`);
        else if (result.suppression) {
          printErr(
            `warning: ${result.email} is suppressed (${result.suppression.reason} since ${result.suppression.createdAt.slice(0, 10)}, by ${result.suppression.source}) and gets nothing.\n  → If they asked to be back: digest readers add ${result.email} --unsuppress\n`,
          );
        }
      }
      setExit(EXIT.OK);
    });

  common(readers.command('remove'))
    .description('stop the digest for an address (recorded as unsubscribed; they can come back through the web)')
    .argument('<email>', 'their address')
    .option('--block', 'block it instead: only `readers add --unsuppress` lifts it (for abuse, or a spam trap)')
    .action(async (email: string, options: CommonOptions & { block?: boolean }) => {
      const config = await loadConfigFor(options);
      const { removeReader } = await import('../../audience/manage-readers.js');
      const result = removeReader(config, email, { block: Boolean(options.block) });
      if (options.json) printJson(result);
      else {
        print(`${result.email} gets no more digests (${result.reason === 'manual' ? 'blocked' : 'unsubscribed'}).\n`);
        if (result.inConfig) print(`It is still listed in ${config.source ? rel(config.source) : 'the config'} (or its recipients CSV): remove it there too.\n`);
      }
      setExit(EXIT.OK);
    });

  common(readers.command('import'))
    .description('add readers from a CSV file: email, name, sections (a;b), and any other column as a template field')
    .argument('<file>', 'a .csv file with a header row (an export from `digest readers export` works)')
    .action(async (file: string, options: CommonOptions) => {
      const config = await loadConfigFor(options);
      const { importReaders } = await import('../../audience/manage-readers.js');
      const result = importReaders(config, path.resolve(file));
      if (options.json) printJson(result);
      else {
        print(`${rel(result.file)}: ${plural(result.added, 'reader')} added, ${result.updated} updated${result.suppressed ? `, ${result.suppressed} suppressions recorded` : ''}.\n`);
        if (result.skippedSuppressed.length) {
          print(`${plural(result.skippedSuppressed.length, 'address', 'addresses')} not added because they unsubscribed, bounced or complained before: ${result.skippedSuppressed.slice(0, 5).join(', ')}${result.skippedSuppressed.length > 5 ? ', …' : ''}\n`);
        }
        if (result.skippedConfig) print(`${plural(result.skippedConfig, 'row')} left alone: listed in the config.\n`);
        if (result.skippedPending) print(`${plural(result.skippedPending, 'request')} to join not imported: never confirmed.\n`);
        for (const problem of result.problems) printErr(`warning: ${rel(result.file)}:${problem.line}: ${problem.message}\n`);
      }
      setExit(result.problems.length ? EXIT.PARTIAL : EXIT.OK);
    });

  common(readers.command('export'), false)
    .description('write every reader, request to join and suppression as CSV (to stdout, or --out FILE)')
    .option('-o, --out <file>', 'write to this file instead of stdout')
    .action(async (options: CommonOptions & { out?: string }) => {
      const config = await loadConfigFor(options);
      const { exportReaders } = await import('../../audience/manage-readers.js');
      const csv = exportReaders(config);
      if (options.out) {
        writeFileSync(options.out, csv, { mode: 0o600 });
        printErr(`Wrote ${rel(path.resolve(options.out))} (${plural(csv.trimEnd().split('\n').length - 1, 'row')}).\n`);
      } else printData(csv);
      setExit(EXIT.OK);
    });
}
