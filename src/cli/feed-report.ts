import type { ResolvedConfig } from '../config/resolve-config.js';
import { explainLines, type DryRunResult } from '../pipeline/dry-run.js';
import type { FeedFailure } from '../types.js';
import type { Output } from './output.js';

/** "✗ Feed: message", with a needs-attention note once a feed has failed `attentionAfter` runs in a row. */
export function failureLine(failure: FeedFailure, attentionAfter: number): string {
  const runs = failure.consecutiveFailures ?? 1;
  const attention =
    runs >= attentionAfter
      ? ` — needs attention: failing ${runs} runs in a row${failure.lastSuccessAt ? `, last worked ${failure.lastSuccessAt.slice(0, 10)}` : ', never worked'}`
      : '';
  return `  ✗ ${failure.feed}: ${failure.message}${attention}`;
}

export function printDryRun(out: Output, config: ResolvedConfig, result: DryRunResult, explain: boolean): void {
  for (const warning of result.warnings) out.warn(warning);
  out.line(`Dry run: nothing is sent and the state is not changed.`);
  out.line(`${result.feeds.total} feeds read, ${result.feeds.failed.length} failed.`);
  for (const failure of result.feeds.failed) out.line(failureLine(failure, config.fetch.attentionAfter));
  const count = result.digest.items.length;
  if (count === 0) out.line('Nothing new: the next run would send nothing.');
  else out.line(`The next run would send "${result.subject}" (${count} item${count === 1 ? '' : 's'}) to ${result.recipients} recipient${result.recipients === 1 ? '' : 's'}.`);
  if (explain) {
    out.line('');
    for (const line of explainLines(result.decisions, config.feeds.map((f) => f.url))) out.line(line);
  } else out.line('Add --explain to see every item and why it is in or out.');
}
