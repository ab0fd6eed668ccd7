import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { TokenSigner } from '../tokens/tokens.js';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { displayPath, describeError, MailboxError, StateError } from '../errors.js';
import { StateStore, type BounceKind, type SuppressionReason } from '../state/state-store.js';
import { applyBounce, type BounceEvent, type BouncePolicy } from './apply-bounce.js';
import { classifyNotice, type Classification, type Verdict } from './classify-notice.js';
import { fileSource, openMailSource, type MailSource, type SourceMessage } from './mail-sources.js';
import { parseNotice, type ParsedNotice } from './parse-notice.js';
import { BounceTokenResolver, findBounceTokens, loadBounceSigner } from './verp.js';

/**
 * `digest bounces`: reads a bounce mailbox, works out which reader each bounce or complaint is
 * about, and acts on it:
 *  1. parse and classify each message (classify-notice.ts);
 *  2. find its reader: a VERP token that verifies (signed for that run and reader), else the
 *     Message-ID of our message that it returns or answers;
 *  3. hard bounce or complaint: suppress the reader at once; soft bounce: count it, and suppress
 *     once the reader soft-bounced in `bounces.softLimit` different runs within
 *     `bounces.softWindowDays`; blocked, delayed: record, no action against the reader; success
 *     notices, auto-replies, other reports: nothing to do;
 *  4. record everything in one transaction per message (a notice read twice counts once), make
 *     it durable, and only then move the processed messages out of the mailbox.
 * What it does not understand (not a bounce it can read, or a bounce it cannot trace to one of
 * our readers) it leaves exactly where it was.
 */

export type BounceAction = 'suppressed' | 'counted' | 'recorded' | 'none' | 'left';

export interface BounceOutcome {
  /** Where the message was: a file, `INBOX UID 42`. */
  message: string;
  subject: string;
  from: string;
  verdict: Verdict;
  format: string;
  reason: string;
  status: string | undefined;
  diagnostic: string | undefined;
  /** The address the notice names. */
  reportedAddress: string | undefined;
  /** The reader it was traced to. */
  reader: string | undefined;
  runId: number | undefined;
  /** How the reader was found. */
  matchedBy: 'token' | 'message-id' | undefined;
  action: BounceAction;
  /** Soft bounces: runs soft-bounced within the window (including this one). */
  softBounces: number | undefined;
  /** The suppression reason, when this notice suppressed the reader. */
  suppressedAs: SuppressionReason | undefined;
  /** Read (and recorded) before: counted once. */
  duplicate: boolean;
  /** Moved out of the mailbox (or would be, in a dry run). */
  processed: boolean;
  /** Why it was left, or anything the operator should know. */
  note: string | undefined;
}

export interface BounceReport {
  sources: string[];
  dryRun: boolean;
  outcomes: BounceOutcome[];
  counts: Record<Verdict, number> & { read: number; suppressed: number; counted: number; left: number; duplicates: number; moved: number };
  /** Where processed mail went, per source. */
  processedTo: string[];
}

export interface ProcessOptions {
  now?: () => Date;
  /** Classify and report; record, suppress and move nothing. */
  dryRun?: boolean;
  /** Verifies VERP tokens; without it (no DIGEST_SECRET) readers are found by Message-ID only. */
  signer?: TokenSigner | undefined;
  onProgress?: (done: number, label: string) => void;
}

const ACTION_VERDICTS = new Set<Verdict>(['hard', 'soft', 'complaint']);
const RECORDED_VERDICTS = new Set<Verdict>(['hard', 'soft', 'blocked', 'complaint', 'delayed']);

function noticeKey(notice: ParsedNotice | undefined, raw: Buffer): string {
  return notice?.messageId ?? `sha256:${createHash('sha256').update(raw).digest('hex')}`;
}

interface Reader {
  email: string;
  runId: number;
  matchedBy: 'token' | 'message-id';
}

/** The reader a notice is about, or why none was found. */
function findReader(notice: ParsedNotice, store: StateStore, resolver: BounceTokenResolver | undefined): { reader?: Reader; problem?: string } {
  const candidates = findBounceTokens(notice.searchText);
  const byToken = new Map<string, Reader>();
  if (resolver) {
    for (const candidate of candidates) {
      const email = resolver.resolve(candidate);
      if (email) byToken.set(`${candidate.runId} ${email.toLowerCase()}`, { email, runId: candidate.runId, matchedBy: 'token' });
    }
  }
  if (byToken.size === 1) return { reader: [...byToken.values()][0]! };
  if (byToken.size > 1) return { problem: `it names ${byToken.size} different readers (${[...byToken.values()].map((r) => r.email).join(', ')}); left for a person to decide` };
  const byMessageId = new Map<string, Reader>();
  for (const id of notice.referencedMessageIds) {
    const delivery = store.deliveryByMessageId(id);
    if (delivery) byMessageId.set(`${delivery.runId} ${delivery.recipient.toLowerCase()}`, { email: delivery.recipient, runId: delivery.runId, matchedBy: 'message-id' });
  }
  if (byMessageId.size === 1) return { reader: [...byMessageId.values()][0]! };
  if (byMessageId.size > 1) return { problem: 'it refers to messages sent to different readers; left for a person to decide' };
  if (candidates.length > 0) {
    return {
      problem: resolver
        ? 'its VERP token does not verify for any reader of that run (forged, altered, or signed with a secret no longer in DIGEST_SECRET / DIGEST_SECRET_PREVIOUS)'
        : 'it carries a VERP token, but DIGEST_SECRET is not set, so the token cannot be checked',
    };
  }
  return { problem: 'it names no message or reader of this digest (no VERP token, no known Message-ID)' };
}

function emptyCounts(): BounceReport['counts'] {
  return {
    read: 0, hard: 0, soft: 0, blocked: 0, complaint: 0, delayed: 0, delivered: 0, report: 0, 'auto-reply': 0, unknown: 0,
    suppressed: 0, counted: 0, left: 0, duplicates: 0, moved: 0,
  };
}

function suppressionDetail(classification: Classification, notice: ParsedNotice, reader: Reader, message: string): string {
  const by = notice.reportingMta ?? notice.fromAddress ?? 'unknown sender';
  const diagnostic = classification.diagnostic ? `: ${classification.diagnostic}` : '';
  return `${classification.reason}${diagnostic} (${classification.format} from ${by}, run ${reader.runId}, ${message})`;
}

/** Opens the state file a run wrote; bounces are meaningless without it. */
function openState(config: ResolvedConfig): StateStore {
  if (config.statePath !== ':memory:' && !existsSync(config.statePath)) {
    throw new StateError('STATE_MISSING', `there is no state file at ${displayPath(config.statePath)}: no digest has been sent with this config`, {
      context: { file: displayPath(config.statePath) },
      hint: 'Run `digest bounces` with the same config (--config) as `digest run`, so it can find the readers the bounces are about.',
    });
  }
  return StateStore.open(config.statePath);
}

/**
 * Reads every message of `sources` and acts on the bounces and complaints (see the file comment).
 * The sources are closed when done.
 */
export async function processBounces(config: ResolvedConfig, sources: readonly MailSource[], options: ProcessOptions = {}): Promise<BounceReport> {
  const now = options.now ?? (() => new Date());
  const dryRun = options.dryRun ?? false;
  const report: BounceReport = { sources: sources.map((s) => s.description), dryRun, outcomes: [], counts: emptyCounts(), processedTo: [] };
  let store: StateStore | undefined;
  try {
    store = openState(config);
    const state = store;
    const resolver = options.signer ? new BounceTokenResolver(options.signer, (runId) => state.runRecipients(runId)) : undefined;
    const policy: BouncePolicy = { softLimit: config.bounces.softLimit, softWindowDays: config.bounces.softWindowDays };
    for (const source of sources) {
      let moved = 0;
      for await (const batch of source.batches()) {
        const processed: SourceMessage[] = [];
        for (const message of batch) {
          const outcome = await handle(message, state, resolver, { now: now(), dryRun, policy, source: source.description });
          report.outcomes.push(outcome);
          if (outcome.processed) processed.push(message);
          options.onProgress?.(report.outcomes.length, message.label);
        }
        if (dryRun) continue;
        // What was recorded is on disk before the notices leave the mailbox: after a crash they
        // are read again, and count once.
        await state.sync();
        moved += await source.settle(processed);
      }
      report.counts.moved += moved;
      if (source.processedTo && moved > 0) report.processedTo.push(`${moved} from ${source.description} to ${source.processedTo}`);
    }
  } finally {
    store?.close();
    for (const source of sources) await source.close().catch(() => {});
  }
  for (const outcome of report.outcomes) {
    report.counts.read++;
    report.counts[outcome.verdict]++;
    if (outcome.action === 'suppressed') report.counts.suppressed++;
    if (outcome.action === 'counted') report.counts.counted++;
    if (outcome.action === 'left') report.counts.left++;
    if (outcome.duplicate) report.counts.duplicates++;
  }
  return report;
}

interface HandleContext {
  now: Date;
  dryRun: boolean;
  policy: BouncePolicy;
  source: string;
}

async function handle(message: SourceMessage, store: StateStore, resolver: BounceTokenResolver | undefined, context: HandleContext): Promise<BounceOutcome> {
  let notice: ParsedNotice;
  try {
    notice = await parseNotice(message.raw);
  } catch (error) {
    return {
      message: message.label, subject: '', from: '', verdict: 'unknown', format: 'message', reason: 'could not be read as a mail message',
      status: undefined, diagnostic: undefined, reportedAddress: undefined, reader: undefined, runId: undefined, matchedBy: undefined,
      action: 'left', softBounces: undefined, suppressedAs: undefined, duplicate: false, processed: false, note: describeError(error),
    };
  }
  const classification = classifyNotice(notice);
  const outcome: BounceOutcome = {
    message: message.label,
    subject: notice.subject,
    from: notice.from,
    verdict: classification.verdict,
    format: classification.format,
    reason: classification.reason,
    status: classification.status,
    diagnostic: classification.diagnostic,
    reportedAddress: classification.recipient,
    reader: undefined,
    runId: undefined,
    matchedBy: undefined,
    action: 'none',
    softBounces: undefined,
    suppressedAs: undefined,
    duplicate: false,
    processed: true,
    note: undefined,
  };
  if (classification.verdict === 'unknown') {
    return { ...outcome, action: 'left', processed: false, note: 'not a bounce, complaint or automatic reply this tool can read; left for a person' };
  }
  const key = noticeKey(notice, message.raw);
  const found = RECORDED_VERDICTS.has(classification.verdict) ? findReader(notice, store, resolver) : {};
  if (found.reader) Object.assign(outcome, { reader: found.reader.email, runId: found.reader.runId, matchedBy: found.reader.matchedBy });
  if (ACTION_VERDICTS.has(classification.verdict) && !found.reader) {
    return { ...outcome, action: 'left', processed: false, note: `${found.problem ?? 'no reader found'}; left in the mailbox` };
  }
  if (classification.verdict === 'report' && classification.reason.startsWith('authentication failure')) outcome.note = classification.reason;
  if (classification.verdict === 'blocked') outcome.note = 'the receiving server refused our sending, not the address: check the reason (sender reputation, SPF/DKIM/DMARC, block lists); it does not count against the reader';
  if (!found.reader) return outcome;

  const reader = found.reader;
  const event: BounceEvent = {
    noticeKey: key,
    email: reader.email,
    runId: reader.runId,
    kind: classification.verdict as BounceKind,
    status: classification.status,
    reason: classification.reason,
    detail: suppressionDetail(classification, notice, reader, message.label),
    source: context.source,
    suppressedBy: 'bounces',
    occurredAt: notice.date ?? context.now,
    now: context.now,
  };
  // One transaction per notice; the batch is made durable by one sync before its mail is moved.
  const effect = context.dryRun ? applyBounce(store, event, context.policy, { dryRun: true }) : store.batch(() => applyBounce(store, event, context.policy));
  if (effect.action === 'duplicate') return { ...outcome, duplicate: true, note: 'read before; counted once' };
  return { ...outcome, ...effect };
}

export interface ReadBouncesInput {
  /** .eml files, Maildirs and folders of .eml files, IMAP URLs. */
  mailboxes: readonly string[];
  /** An IMAP URL (`--imap`). */
  imap?: string | undefined;
}

/**
 * `digest bounces`: opens what the command line names (else `bounces.mailbox` from the config),
 * and processes it. The IMAP password comes from the URL or IMAP_PASSWORD (`env`); tokens are
 * checked with the config's DIGEST_SECRET (and DIGEST_SECRET_PREVIOUS).
 */
export async function readBounces(config: ResolvedConfig, input: ReadBouncesInput, options: Omit<ProcessOptions, 'signer'> & { env?: NodeJS.ProcessEnv } = {}): Promise<BounceReport> {
  const env = options.env ?? process.env;
  const specs = [...input.mailboxes, ...(input.imap ? [input.imap] : [])];
  if (specs.length === 0 && config.bounces.mailbox) specs.push(config.bounces.mailbox);
  if (specs.length === 0) {
    throw new MailboxError('MAILBOX_NONE', 'no mailbox to read: name one, or set bounces.mailbox in the config', {
      hint: 'e.g. `digest bounces --imap imaps://bounces%40example.com@mail.example.com/INBOX` (password in IMAP_PASSWORD), `digest bounces /var/mail/bounces/Maildir`, or `digest bounces notice.eml`.',
    });
  }
  const signer = loadBounceSigner(config);
  // Bad settings and a missing state file stop it before any mailbox is opened.
  openState(config).close();
  const sources: MailSource[] = [];
  try {
    const files: string[] = [];
    for (const spec of specs) {
      const relative = /^imaps?:\/\//i.test(spec) ? spec : path.resolve(spec);
      if (!/^imaps?:\/\//i.test(spec) && existsSync(relative) && statSync(relative).isFile()) files.push(relative);
      else sources.push(await openMailSource(relative, { processedFolder: config.bounces.processedFolder, password: env.IMAP_PASSWORD }));
    }
    if (files.length > 0) sources.unshift(fileSource(files));
  } catch (error) {
    for (const source of sources) await source.close().catch(() => {});
    throw error;
  }
  return processBounces(config, sources, { ...options, signer });
}
