/** How a run's outcome is printed and counted: shared by `run`, `schedule` and `runs retry`. */
import type { ResolvedConfig } from '../config/resolve-config.js';
import type { DeliveryReport } from '../deliver/deliver-run.js';
import type { RunResult } from '../pipeline/run-digest.js';
import { feedKey } from '../select/item-id.js';
import type { Decision } from '../select/select-items.js';
import type { FeedFailure } from '../types.js';
import { describeLeftOut, leftOutJson, storiesJson } from '../pipeline/digest-json.js';
import { rel } from './context.js';
import { failureLine, pausedLine } from './feed-report.js';
import { EXIT, type Output } from './output.js';

export function deliveryTrouble(delivery: DeliveryReport | null | undefined): boolean {
  return delivery ? delivery.failedPermanent + delivery.failedTemporary + delivery.pending > 0 : false;
}

export function runExitCode(result: RunResult): number {
  const trouble = deliveryTrouble(result.delivery) || deliveryTrouble(result.resumed?.delivery);
  return result.feeds.failed.length > 0 || trouble ? EXIT.PARTIAL : EXIT.OK;
}

/**
 * Sent (accepted by the SMTP server), written (to the outbox: nobody was emailed), deferred
 * (pending, or refused for now) and failed (refused for good), as the summary and --json give them.
 */
export function deliveryCounts(d: DeliveryReport): { transport: 'smtp' | 'outbox'; sent: number; written: number; deferred: number; failed: number; total: number } {
  const deferred = d.pending + d.failedTemporary;
  return { transport: d.kind, sent: d.sent, written: d.written, deferred, failed: d.failedPermanent, total: d.sent + d.written + deferred + d.failedPermanent };
}

export function printDelivery(out: Output, d: DeliveryReport, runId: number | null): void {
  const c = deliveryCounts(d);
  // With --quiet, the delivery line is printed only when something was held back or refused.
  const say = deliveryTrouble(d) ? out.problem : out.line;
  if (d.kind === 'outbox') {
    // The outbox is files, not mail: never "sent".
    say(`Wrote ${c.written} of ${c.total} to the ${d.transport} (${c.deferred} deferred, ${c.failed} failed): nobody was emailed (delivery.transport: outbox).`);
  } else {
    say(`Sent ${c.sent} of ${c.total} via ${d.transport} (${c.deferred} deferred, ${c.failed} failed).`);
  }
  for (const problem of d.problems) out.problem(`  ✗ ${problem.recipient} (${problem.status}): ${problem.message}`);
  if (d.pending && d.queue) {
    out.problem(`  ${d.pending} still with the workers of ${d.queue}: the next \`digest run\` follows the run again and records what they report; nobody gets a second copy.`);
  } else if (d.pending) out.problem(`  ${d.pending} pending: the next \`digest run\` sends to them; nobody gets a second copy.`);
  if (d.failedTemporary) out.problem(`  ${d.failedTemporary} refused for now (4xx): \`digest runs retry ${runId ?? 'RUN'}\` tries them again.`);
  if (d.aborted) {
    out.problem(`  Sending stopped: ${d.aborted}.`);
    if (d.abortHint) out.problem(`  → ${d.abortHint}`);
  }
  if (d.interrupted) out.problem(d.queue ? '  Stopped following on request: the workers carry on.' : '  Stopped on request: the rest stay pending for the next run.');
  if (d.suppressed) out.line(`  ${d.suppressed} not sent: unsubscribed, bounced or paused since the run started.`);
}

const EXCLUDED_TEXT: Record<string, string> = {
  unsubscribed: 'unsubscribed',
  'hard-bounce': 'bounced',
  'soft-bounce': 'bouncing (soft)',
  complaint: 'complained',
  manual: 'blocked',
  paused: 'paused',
  'no-sections': 'none of their sections in this issue',
};

/** "Readers: 248 (2 copies with chosen sections); left out: 3 unsubscribed, 1 paused." */
export function readersLine(readers: NonNullable<RunResult['readers']>): string {
  const left = Object.entries(readers.excluded).map(([why, n]) => `${n} ${EXCLUDED_TEXT[why] ?? why}`);
  const variants = readers.variants ? ` (${readers.variants} cop${readers.variants === 1 ? 'y' : 'ies'} with chosen sections, rendered once each)` : '';
  return `Readers: ${readers.count}${variants}${left.length ? `; left out: ${left.join(', ')}` : ''}.`;
}

/** --verbose: a line per feed that was read, with how many items it had, how many were new and chosen. */
export function printFeedDetails(out: Output, config: ResolvedConfig, result: { decisions: readonly Decision[]; feeds: { failed: readonly FeedFailure[] } }): void {
  // Only --verbose prints these lines; a first run of 200 feeds has 10,000 decisions to sort.
  if (!out.detailed) return;
  const failed = new Set(result.feeds.failed.map((failure) => failure.url));
  const byFeed = new Map<string, Decision[]>();
  for (const decision of result.decisions) {
    const list = byFeed.get(decision.feedUrl);
    if (list) list.push(decision);
    else byFeed.set(decision.feedUrl, [decision]);
  }
  for (const feed of config.feeds) {
    if (failed.has(feed.url)) continue;
    const key = feedKey(feed);
    const decisions = byFeed.get(key) ?? [];
    const name = decisions[0]?.feed ?? feed.name ?? feed.url;
    if (decisions.length === 0) {
      out.detail(`  ✓ ${name}: no items read (unchanged since the last run, or empty)`);
      continue;
    }
    const fresh = decisions.filter((d) => d.verdict !== 'seen').length;
    const chosen = decisions.filter((d) => d.verdict === 'included').length;
    out.detail(`  ✓ ${name}: ${decisions.length} item${decisions.length === 1 ? '' : 's'}, ${fresh} new, ${chosen} chosen`);
  }
}

export function printRunSummary(out: Output, config: ResolvedConfig, result: RunResult): void {
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
    for (const failure of feeds.failed) out.problem(failureLine(failure, config.fetch.attentionAfter));
    const paused = pausedLine(config);
    if (paused) out.line(paused);
    printFeedDetails(out, config, result);
    if (result.status === 'nothing-new') {
      out.line('Nothing new since the last digest: no email sent.');
      return;
    }
    out.line(`${result.items} item${result.items === 1 ? '' : 's'} chosen for "${result.subject}".`);
    for (const line of describeLeftOut(result.leftOut)) out.line(`  ${line}`);
    if (result.readers) out.line(readersLine(result.readers));
  }
  if (result.delivery) printDelivery(out, result.delivery, result.runId);
  if (result.files.html) out.line(`Preview: ${rel(result.files.html)}, ${rel(result.files.text ?? '')}`);
  if (result.files.outbox) out.line(`Outbox: ${rel(result.files.outbox)}/`);
}

/**
 * `digest run --json`: the run's outcome, with `stories` (the email's stories, in order) and
 * `left_out` (the new stories not in it), both empty when the run built no new digest.
 */
export function runJson(result: RunResult, code: number): Record<string, unknown> {
  return {
    ...result,
    digest: undefined,
    decisions: undefined,
    leftOut: undefined,
    stories: result.digest ? storiesJson(result.digest) : [],
    left_out: leftOutJson(result.leftOut),
    counts: result.delivery ? deliveryCounts(result.delivery) : null,
    exitCode: code,
  };
}

/**
 * Runs `work` with Ctrl-C / SIGTERM turned into an abort signal: messages in flight finish, the rest
 * stay pending. A second signal exits at once.
 */
export async function withStopSignal<T>(work: (signal: AbortSignal) => Promise<T>, onSignal?: (signal: NodeJS.Signals) => void): Promise<T> {
  const stop = new AbortController();
  const handler = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) process.exit(EXIT.FAILED);
    onSignal?.(signal);
    stop.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  try {
    return await work(stop.signal);
  } finally {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  }
}
