import type { Command } from 'commander';
import type { BounceOutcome, BounceReport } from '../../bounces/process-bounces.js';
import { common, loadConfigFor, pad, plural, printJson, type CommonOptions, type SetExit } from '../context.js';
import { EXIT, print } from '../output.js';

interface BouncesOptions extends CommonOptions {
  imap?: string;
  dryRun?: boolean;
  quiet?: boolean;
}

const LABELS: Record<BounceOutcome['verdict'], string> = {
  hard: 'hard bounce',
  soft: 'soft bounce',
  blocked: 'blocked',
  complaint: 'complaint',
  delayed: 'delayed',
  delivered: 'delivered',
  report: 'report',
  'auto-reply': 'auto-reply',
  unknown: 'not understood',
};

function consequence(outcome: BounceOutcome, limit: number, dryRun: boolean): string {
  const would = dryRun ? 'would be ' : '';
  if (outcome.duplicate) return 'read before, counted once';
  if (outcome.action === 'suppressed') return outcome.suppressedAs === 'soft-bounce' ? `${outcome.softBounces} soft bounces → ${would}suppressed` : `${would}suppressed`;
  if (outcome.action === 'counted') return `soft bounce ${outcome.softBounces} of ${limit}`;
  return '';
}

function who(outcome: BounceOutcome): string {
  return outcome.reader ? `${outcome.reader} (run ${outcome.runId})` : (outcome.reportedAddress ?? '');
}

/** The server's own words, shortened, when the reason has no status code to go by. */
function serverWords(outcome: BounceOutcome, width = 90): string {
  if (!outcome.diagnostic || /\(\d\.\d+\.\d+\)/.test(outcome.reason)) return '';
  const words = outcome.diagnostic.length > width ? `${outcome.diagnostic.slice(0, width - 1)}…` : outcome.diagnostic;
  return ` ("${words}")`;
}

function describe(outcome: BounceOutcome, limit: number, dryRun: boolean): string {
  const reader = who(outcome);
  const then = consequence(outcome, limit, dryRun);
  return `  ${pad(LABELS[outcome.verdict], 12)} ${reader}${reader ? ': ' : ''}${outcome.reason}${serverWords(outcome)}${then ? ` → ${then}` : ''}`;
}

const ORDER: BounceOutcome['verdict'][] = ['hard', 'complaint', 'soft', 'blocked', 'delayed', 'delivered', 'report', 'auto-reply', 'unknown'];

function printReport(report: BounceReport, limit: number): void {
  const out = (line: string) => print(`${line}\n`);
  const { counts } = report;
  out(`${report.dryRun ? 'Dry run: nothing recorded, suppressed or moved. ' : ''}Read ${plural(counts.read, 'message')} from ${report.sources.join(', ')}.`);
  const handled = report.outcomes.filter((o) => o.action !== 'left').sort((a, b) => ORDER.indexOf(a.verdict) - ORDER.indexOf(b.verdict));
  for (const outcome of handled) out(describe(outcome, limit, report.dryRun));
  const attention = handled.filter((o) => o.note && !o.duplicate);
  if (attention.length > 0) {
    out('Needs your attention:');
    for (const outcome of attention) out(`  ${who(outcome) || outcome.message}${outcome.diagnostic ? ` ("${outcome.diagnostic}")` : ''}: ${outcome.note}`);
  }
  const left = report.outcomes.filter((o) => o.action === 'left');
  if (left.length > 0) {
    out(`Left where ${left.length === 1 ? 'it is' : 'they are'}, for a person to read (${left.length}):`);
    for (const outcome of left) out(`  ${outcome.message}${outcome.subject ? ` "${outcome.subject}"` : ''}: ${outcome.note ?? outcome.reason}`);
  }
  const suppressedBy = (reason: string) => report.outcomes.filter((o) => o.action === 'suppressed' && o.suppressedAs === reason).length;
  const parts = [
    `${report.dryRun ? 'Would suppress' : 'Suppressed'} ${plural(counts.suppressed, 'reader')}` +
      (counts.suppressed
        ? ` (${[plural(suppressedBy('hard-bounce'), 'hard bounce'), plural(suppressedBy('complaint'), 'complaint'), plural(suppressedBy('soft-bounce'), 'reached the soft-bounce limit', 'reached the soft-bounce limit')]
            .filter((text) => !text.startsWith('0 '))
            .join(', ')})`
        : ''),
  ];
  if (counts.counted) parts.push(`${plural(counts.counted, 'soft bounce')} counted`);
  if (counts.duplicates) parts.push(`${plural(counts.duplicates, 'notice')} read before`);
  out(`${parts.join('; ')}.`);
  if (report.processedTo.length > 0) out(`Moved processed mail (marked read): ${report.processedTo.join('; ')}.`);
  else if (!report.dryRun && handled.length > 0 && counts.moved === 0) out('Files named on the command line are left where they are.');
}

function exitCode(report: BounceReport): number {
  // Done; but a person should look at what was left, or at a refusal of our sending.
  return report.counts.left > 0 || report.counts.blocked > 0 ? EXIT.PARTIAL : EXIT.OK;
}

export function registerBounces(program: Command, setExit: SetExit): void {
  common(program.command('bounces'))
    .description('read bounces and spam complaints (DSN, ARF, text bounces) from .eml files, a Maildir or an IMAP mailbox; suppress hard bounces and complaints, count soft ones')
    .argument('[mailbox...]', '.eml files, Maildirs or folders of .eml files (default: bounces.mailbox from the config)')
    .option('--imap <url>', 'an IMAP mailbox, e.g. imaps://bounces%40example.com@mail.example.com/INBOX (password in IMAP_PASSWORD)')
    .option('--dry-run', 'classify and report; record, suppress and move nothing')
    .option('-q, --quiet', 'print the report only when something needs a person (mail left unread, a refusal of our sending): for cron, no output means all went well')
    .addHelpText(
      'after',
      '\nProcessed mail is marked read and moved to bounces.processedFolder (default "Processed"): an IMAP mailbox, a Maildir++ folder (.Processed), or a subfolder of a plain folder. Files named on the command line stay put. What is not understood is never moved, flagged or deleted.\nExit codes: 0 done; 2 done, but some mail was left for a person or a server refused our sending; 1 could not run.',
    )
    .action(async (mailboxes: string[], options: BouncesOptions) => {
      const config = await loadConfigFor(options);
      const { readBounces } = await import('../../bounces/process-bounces.js');
      const report = await readBounces(config, { mailboxes, imap: options.imap }, { dryRun: Boolean(options.dryRun) });
      const code = exitCode(report);
      if (options.json) printJson({ ...report, exitCode: code });
      else if (!(options.quiet && code === EXIT.OK)) printReport(report, config.bounces.softLimit);
      setExit(code);
    });
}
