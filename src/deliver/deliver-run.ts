import { envelopeSender } from '../bounces/verp.js';
import type { RenderedDigest } from '../render/render-digest.js';
import { personaliseBytes } from '../render/personalise.js';
import { issueUrl, type ReaderLinks } from '../audience/reader-links.js';
import { blockFor } from '../audience/readers.js';
import type { TokenSigner } from '../tokens/tokens.js';
import type { DeliveryRow, StateStore } from '../state/state-store.js';
import { environmentProblem } from '../errors.js';
import { composeMessage, type OutgoingMessage } from './compose-message.js';
import type { MessageTransport } from './transports.js';

export interface DeliverySettings {
  from: string;
  replyTo?: string | undefined;
  title: string;
  unsubscribeUrl?: string | undefined;
  unsubscribeMailto?: string | undefined;
  /** Set when the run was handed to a delivery queue (its Redis, without a password): it is finished through that queue. */
  queue?: string | undefined;
  /** Where bounces go: each reader's copy gets `bounces+TOKEN@…` as its envelope sender. */
  bounceAddress?: string | undefined;
  /** `web.baseUrl` when the run was recorded: signed reader links and the issue's archive page. */
  baseUrl?: string | undefined;
}

/** A run's reader links, as its stored settings say, signed by `signer`. */
export function runLinks(settings: DeliverySettings, runId: number, signer: TokenSigner | undefined): ReaderLinks {
  return {
    unsubscribeTemplate: settings.unsubscribeUrl,
    baseUrl: settings.baseUrl,
    signer,
    issueUrl: settings.baseUrl ? issueUrl(settings.baseUrl, runId) : undefined,
  };
}

export interface DeliveryProblem {
  recipient: string;
  status: 'failed-temporary' | 'failed-permanent' | 'pending';
  message: string;
}

export interface DeliveryReport {
  /** "SMTP mail.example.com:587", "outbox /srv/digest/out/outbox". */
  transport: string;
  /** Where the messages went: an SMTP server, or .eml files in the outbox (nobody was emailed). */
  kind: 'smtp' | 'outbox';
  /** Accepted by the SMTP server. Never counts outbox files. */
  sent: number;
  /** Written to the outbox as .eml files (transport outbox): nobody was emailed. */
  written: number;
  failedTemporary: number;
  failedPermanent: number;
  /** Not attempted, or put back because the server could not be reached: the next run sends them. */
  pending: number;
  /** Not sent because the address was suppressed, or the reader paused, by the time of sending. */
  suppressed: number;
  problems: DeliveryProblem[];
  /** Set when sending stopped early because the server could not be reached. */
  aborted?: string;
  /** What to do about it. */
  abortHint?: string;
  /** Set when sending stopped early because it was asked to (a signal): the rest stay pending. */
  interrupted?: boolean;
  /** Set when the run was handed to a delivery queue (`name@redis://…`): its workers send, whether this process follows or not. */
  queue?: string;
}

export interface DeliverOptions {
  store: StateStore;
  runId: number;
  rendered: Pick<RenderedDigest, 'subject' | 'html' | 'text' | 'marker'>;
  settings: DeliverySettings;
  /** Signs the reader links (with `settings.baseUrl`) and each reader's envelope sender (VERP, with `settings.bounceAddress`). */
  signer?: TokenSigner | undefined;
  transport: MessageTransport;
  now: () => Date;
  /** Attempts per recipient for temporary failures (4xx, dropped connection), in this run. */
  attempts?: number;
  /** First retry delay; doubles each time. */
  retryDelayMs?: number;
  /** When aborted, no further message is started; those in flight finish and are recorded. */
  signal?: AbortSignal | undefined;
  onProgress?: (done: number, total: number, recipient: string) => void;
}

type Failure = 'permanent' | 'temporary' | 'unreachable';

/** SMTP says what kind of failure it was: 5xx is final, 4xx and lost connections are worth retrying. */
export function classifySendError(error: unknown): Failure {
  const e = error as { responseCode?: number; code?: string; command?: string };
  // The outbox's disk is full, read-only or not ours: no message will be written this run.
  if (environmentProblem(error)) return 'unreachable';
  // Could not connect, resolve, negotiate TLS or log in, or the server stopped answering: no
  // message will get through this run.
  if (e.code === 'EAUTH' || e.code === 'ETIMEDOUT' || e.command === 'CONN') return 'unreachable';
  if (typeof e.responseCode === 'number') {
    if (e.responseCode >= 500) return 'permanent';
    if (e.responseCode >= 400) return 'temporary';
  }
  if (e.code === 'EENVELOPE' || e.code === 'EMESSAGE') return 'permanent';
  if (e.code === 'ECONNECTION' || e.code === 'EDNS' || e.code === 'ETLS') return 'unreachable';
  return 'temporary';
}

export function describeSendError(error: unknown): string {
  const e = error as { response?: string; message?: string; code?: string };
  return (e.response ?? e.message ?? String(error)).replace(/\s+/g, ' ').trim();
}

/** What to do when the server cannot be used at all, by cause; `after` says what happens to the messages meanwhile. */
export function unreachableHint(error: unknown, after = 'The recipients stay pending: run `digest run` again once it is fixed; nobody gets a second copy.'): string {
  const e = error as { code?: string; message?: string };
  const message = e.message ?? '';
  const problem = environmentProblem(error);
  if (problem?.code === 'DISK_FULL') return `The disk is full: free some space there (df -h), then run \`digest run\` again. ${after.replace(/^The recipients/, 'The readers')}`;
  if (problem) return `${problem.what[0]!.toUpperCase()}${problem.what.slice(1)}: ${problem.hint.replace(/, then run again.*$/, '.')} ${after}`;
  if (e.code === 'EAUTH') return `The server refused the user name or password: check them in SMTP_URL (URL-encode special characters such as @ or /). ${after}`;
  if (e.code === 'ETIMEDOUT') {
    return `The server did not answer in time: check the host and port in SMTP_URL and any firewall between (delivery.connectionTimeoutSeconds and delivery.socketTimeoutSeconds set how long to wait). ${after}`;
  }
  if (e.code === 'EDNS' || /ENOTFOUND|EAI_AGAIN/.test(message)) return `The mail server's host name was not found: check the host in SMTP_URL. ${after}`;
  if (e.code === 'ETLS' || /TLS|SSL|certificate/i.test(message)) return `TLS failed: use smtps:// for port 465 and smtp:// (STARTTLS) for 587, and check the server's certificate. ${after}`;
  if (/ECONNREFUSED/.test(message)) return `Nothing accepts connections there: check the host and port in SMTP_URL and that the mail server is running. ${after}`;
  return `Check SMTP_URL and that the mail server is up. ${after}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One recipient's message of run `runId`: the rendering personalised for them, composed with the
 * run's settings, and sent from an envelope sender that names run and reader (VERP), so a bounce
 * can be traced back. Every way a run's messages are sent goes through here.
 */
export function composeForRecipient(
  rendered: Pick<RenderedDigest, 'subject' | 'html' | 'text' | 'marker'>,
  row: Pick<DeliveryRow, 'runId' | 'recipient' | 'name' | 'fields' | 'messageId'>,
  settings: DeliverySettings,
  options: { date: Date; signer?: TokenSigner | undefined; links?: ReaderLinks },
): OutgoingMessage {
  const recipient = { email: row.recipient, name: row.name ?? undefined, fields: row.fields };
  const content = personaliseBytes(rendered, recipient, options.links ?? runLinks(settings, row.runId, options.signer));
  return composeMessage(recipient, content, {
    from: settings.from,
    replyTo: settings.replyTo,
    title: settings.title,
    date: options.date,
    messageId: row.messageId,
    unsubscribeMailto: settings.unsubscribeMailto,
    envelopeFrom: envelopeSender(settings.bounceAddress, options.signer, row.runId, row.recipient),
  });
}

/**
 * Sends a run's digest to every recipient still pending, recording each outcome in the ledger as
 * it happens: a recipient is marked `sending` before the message goes and `sent` once the server
 * accepts it, and that record is on disk before the connection takes its next recipient. So after
 * a crash (or a power cut) only the messages in flight at that moment, at most one per connection,
 * can be sent twice; they carry the same Message-ID.
 */
export async function deliverRun(options: DeliverOptions): Promise<DeliveryReport> {
  const { store, runId, transport } = options;
  const stamp = () => options.now().toISOString();
  const attempts = options.attempts ?? 3;
  const baseDelay = options.retryDelayMs ?? 1000;
  // `sending` rows were in flight when a previous process died: they are sent again.
  const queue = store.deliveries(runId, ['pending', 'sending']);
  const report: DeliveryReport = { transport: transport.description, kind: transport.kind, sent: 0, written: 0, failedTemporary: 0, failedPermanent: 0, pending: 0, suppressed: 0, problems: [] };
  const delivered = transport.kind === 'outbox' ? 'written' : 'sent';
  let done = 0;
  let aborted: string | undefined;
  let abortHint: string | undefined;
  const links = runLinks(options.settings, runId, options.signer);
  // Readers who chose some sections get the run's rendering of those (one per distinct choice).
  const variants = new Map<string, DeliverOptions['rendered']>();
  const renderingFor = (row: DeliveryRow): DeliverOptions['rendered'] => {
    if (!row.variant) return options.rendered;
    let rendering = variants.get(row.variant);
    if (!rendering) {
      // A run recorded without it cannot happen; the full digest is the safe fallback.
      rendering = store.runVariant(runId, row.variant) ?? options.rendered;
      variants.set(row.variant, rendering);
    }
    return rendering;
  };

  const sendOne = async (row: DeliveryRow): Promise<void> => {
    // An unsubscribe, bounce or complaint recorded since the run started (or since a retry was
    // asked for) is honoured: that reader is not sent to.
    const block = blockFor(store, row.recipient, options.now());
    if (block) {
      store.updateDelivery(runId, row.recipient, 'suppressed', stamp(), block.why === 'paused' ? `paused until ${block.until}` : block.why);
      report.suppressed++;
      return;
    }
    const message = composeForRecipient(renderingFor(row), row, options.settings, { date: options.now(), signer: options.signer, links });
    for (let attempt = 1; ; attempt++) {
      if (aborted) {
        store.updateDelivery(runId, row.recipient, 'pending', stamp(), aborted);
        return;
      }
      store.updateDelivery(runId, row.recipient, 'sending', stamp());
      try {
        await transport.send(message);
        store.updateDelivery(runId, row.recipient, delivered, stamp());
        report[delivered]++;
        return;
      } catch (error) {
        const kind = classifySendError(error);
        const text = describeSendError(error);
        if (kind === 'permanent') {
          store.updateDelivery(runId, row.recipient, 'failed-permanent', stamp(), text);
          report.failedPermanent++;
          report.problems.push({ recipient: row.recipient, status: 'failed-permanent', message: text });
          return;
        }
        // A refused login will not change by asking again; a server that did not connect or greet
        // within connectionTimeoutSeconds has had its chance (asking again would cost that much
        // again per attempt). Attempts are for quick failures: a 4xx, a dropped connection.
        const code = (error as { code?: string }).code;
        if (attempt >= attempts || code === 'EAUTH' || (kind === 'unreachable' && code === 'ETIMEDOUT')) {
          if (kind === 'unreachable') {
            abortHint ??= unreachableHint(error);
            aborted ??= `${transport.description}: ${text}`;
            store.updateDelivery(runId, row.recipient, 'pending', stamp(), text);
            return;
          }
          store.updateDelivery(runId, row.recipient, 'failed-temporary', stamp(), text);
          report.failedTemporary++;
          report.problems.push({ recipient: row.recipient, status: 'failed-temporary', message: text });
          return;
        }
        await sleep(baseDelay * 2 ** (attempt - 1));
      }
    }
  };

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < queue.length && !options.signal?.aborted) {
      const row = queue[next++]!;
      await sendOne(row);
      // On disk before this connection takes the next recipient: a crash or a power cut can
      // then cost at most the one message each connection has in flight.
      await store.sync();
      done++;
      options.onProgress?.(done, queue.length, row.recipient);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(transport.concurrency, queue.length)) }, worker));

  const pending = store.deliveries(runId, ['pending', 'sending']);
  report.pending = pending.length;
  if (options.signal?.aborted && !aborted) report.interrupted = true;
  if (aborted) {
    report.aborted = aborted;
    if (abortHint) report.abortHint = abortHint;
    for (const row of pending) report.problems.push({ recipient: row.recipient, status: 'pending', message: row.lastError ?? aborted });
  }
  return report;
}
