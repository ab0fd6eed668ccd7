import type { RenderedDigest } from '../render/render-digest.js';
import { personaliseBytes } from '../render/personalise.js';
import type { DeliveryRow, StateStore } from '../state/state-store.js';
import { environmentProblem } from '../errors.js';
import { composeMessage } from './compose-message.js';
import type { MessageTransport } from './transports.js';

export interface DeliverySettings {
  from: string;
  replyTo?: string | undefined;
  title: string;
  unsubscribeUrl?: string | undefined;
  unsubscribeMailto?: string | undefined;
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
  problems: DeliveryProblem[];
  /** Set when sending stopped early because the server could not be reached. */
  aborted?: string;
  /** What to do about it. */
  abortHint?: string;
  /** Set when sending stopped early because it was asked to (a signal): the rest stay pending. */
  interrupted?: boolean;
}

export interface DeliverOptions {
  store: StateStore;
  runId: number;
  rendered: Pick<RenderedDigest, 'subject' | 'html' | 'text' | 'marker'>;
  settings: DeliverySettings;
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

function describeSendError(error: unknown): string {
  const e = error as { response?: string; message?: string; code?: string };
  return (e.response ?? e.message ?? String(error)).replace(/\s+/g, ' ').trim();
}

/** What to do when the server cannot be used at all, by cause. */
export function unreachableHint(error: unknown): string {
  const e = error as { code?: string; message?: string };
  const message = e.message ?? '';
  const after = 'The recipients stay pending: run `digest run` again once it is fixed; nobody gets a second copy.';
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
  const report: DeliveryReport = { transport: transport.description, kind: transport.kind, sent: 0, written: 0, failedTemporary: 0, failedPermanent: 0, pending: 0, problems: [] };
  const delivered = transport.kind === 'outbox' ? 'written' : 'sent';
  let done = 0;
  let aborted: string | undefined;
  let abortHint: string | undefined;

  const sendOne = async (row: DeliveryRow): Promise<void> => {
    const recipient = { email: row.recipient, name: row.name ?? undefined, fields: row.fields };
    const content = personaliseBytes(options.rendered, recipient, options.settings.unsubscribeUrl);
    const message = composeMessage(recipient, content, {
      from: options.settings.from,
      replyTo: options.settings.replyTo,
      title: options.settings.title,
      date: options.now(),
      messageId: row.messageId,
      unsubscribeMailto: options.settings.unsubscribeMailto,
    });
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
