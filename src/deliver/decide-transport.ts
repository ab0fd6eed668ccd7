/**
 * Which transport a run uses, decided before anything is fetched and kept with the run, so that
 * a lost SMTP_URL (an env file not loaded by cron, `SMTP_URL=''`) can never turn a send into
 * .eml files that are then counted as delivered (issue 10, item 2):
 *
 * - `delivery.transport: smtp` needs SMTP_URL; without it the run stops.
 * - `delivery.transport: outbox` writes .eml files and emails nobody.
 * - `delivery.transport: auto` is decided once, on the project's first run (or by `digest init`,
 *   which writes the decision into the config), and recorded in the state. Later runs follow the
 *   record; when the environment no longer agrees with it (SMTP_URL gone, or newly set), the run
 *   stops and says how to make the choice explicit. A first run with real readers and no
 *   SMTP_URL stops too: it cannot know which was meant.
 * - A run is finished (resumed, retried) only over the transport it was created for.
 */
import { ConfigError } from '../errors.js';
import type { RunRow, TransportKind } from '../state/state-store.js';

export type { TransportKind };

/** The settings the decision reads (the config's delivery.transport, SMTP_URL, the readers). */
export interface TransportSettings {
  delivery: { transport: 'auto' | 'smtp' | 'outbox' };
  smtpUrl?: string | undefined;
  /** The delivery queue (delivery.queue, DIGEST_QUEUE_URL): its `digest worker` processes send over SMTP, with their own SMTP_URL. */
  queueUrl?: string | undefined;
  recipients: readonly { email: string }[];
}

/** The key of the recorded `auto` decision in the state's settings. */
export const TRANSPORT_SETTING = 'transport';

export interface TransportChoice {
  kind: TransportKind;
  /** Set when `auto` was decided just now (the first run): record it, and say so. */
  decided?: string;
}

const SMTP_HINT = 'Set SMTP_URL (smtp://user:password@host:587) in the environment this job runs in (cron does not read your shell profile)';

/** SMTP is what was decided, and SMTP_URL is not there: never a reason to write the outbox instead. */
export function smtpUrlMissing(message: string, hint = `${SMTP_HINT}, or set delivery.transport: outbox to write .eml files instead.`): ConfigError {
  return new ConfigError('CONFIG_SMTP_MISSING', message, { hint });
}

/**
 * Domains reserved for examples and tests (RFC 2606, RFC 6761): mail to them goes nowhere, so a
 * config whose readers are all there (the sample project) is not a real list.
 */
export function isExampleAddress(email: string): boolean {
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  return /(^|\.)(example\.(com|net|org)|localhost)$/.test(domain) || /\.(example|test|invalid)$/.test(domain);
}

const day = (iso: string) => iso.slice(0, 10);

/**
 * The transport a new digest goes out over. Throws (a ConfigError with a hint) when the config
 * and the environment do not say it unambiguously. `recorded` is the `auto` decision kept in the
 * state, if any.
 */
export function decideTransport(config: TransportSettings, recorded: { value: string; recordedAt: string } | undefined): TransportChoice {
  const configured = config.delivery.transport;
  const smtp = Boolean(config.smtpUrl);
  if (configured === 'outbox') return { kind: 'outbox' };
  // With a delivery queue the workers send, over SMTP; this process needs no SMTP_URL.
  if (config.queueUrl) return { kind: 'smtp' };
  if (configured === 'smtp') {
    if (!smtp) throw smtpUrlMissing('delivery.transport is smtp, but SMTP_URL is not set: nothing was fetched or sent');
    return { kind: 'smtp' };
  }
  if (recorded && (recorded.value === 'smtp' || recorded.value === 'outbox')) {
    const when = `delivery.transport: auto, decided on its first run, ${day(recorded.recordedAt)}`;
    if (recorded.value === 'smtp' && !smtp) {
      throw smtpUrlMissing(
        `SMTP_URL is not set, but this project sends over SMTP (${when}): nothing was fetched or sent`,
        `${SMTP_HINT}. To write .eml files to the outbox instead, set delivery.transport: outbox in the config.`,
      );
    }
    if (recorded.value === 'outbox' && smtp) {
      throw new ConfigError('TRANSPORT_CHANGED', `SMTP_URL is set, but this project writes to the outbox (${when}, without SMTP_URL): nothing was fetched or sent`, {
        hint: 'Say which in the config: delivery.transport: smtp to send over SMTP from now on, or delivery.transport: outbox to keep writing .eml files.',
      });
    }
    return { kind: recorded.value };
  }
  if (smtp) {
    return { kind: 'smtp', decided: 'delivery.transport is auto, and this first run decided: SMTP_URL is set, so this project sends over SMTP from now on. A later run without SMTP_URL stops instead of writing the outbox; write delivery.transport: smtp in the config to make it explicit' };
  }
  const real = config.recipients.filter((r) => !isExampleAddress(r.email));
  if (real.length > 0) {
    throw new ConfigError(
      'TRANSPORT_UNDECIDED',
      `delivery.transport is auto, SMTP_URL is not set, and the config has real readers (${real[0]!.email}${real.length > 1 ? ` and ${real.length - 1} more` : ''}): refusing to guess whether to send them email or write the outbox; nothing was fetched or sent`,
      { hint: `${SMTP_HINT} to send, or set delivery.transport: outbox to write .eml files to the outbox.` },
    );
  }
  return { kind: 'outbox', decided: 'delivery.transport is auto, and this first run decided: SMTP_URL is not set and every reader is an example address, so this project writes .eml files to the outbox from now on (nobody is emailed). To send, set delivery.transport: smtp and SMTP_URL' };
}

/**
 * The transport an unfinished run is finished over: the one it was created for. An SMTP run
 * without SMTP_URL stops (nothing else is done). A run recorded before transports were kept is
 * finished over SMTP when SMTP_URL is set, into the outbox only when the config says outbox.
 */
export function transportForRun(config: Omit<TransportSettings, 'recipients'>, run: Pick<RunRow, 'id' | 'transport'>, left: number): TransportKind {
  const smtp = Boolean(config.smtpUrl);
  const still = `${left} recipient${left === 1 ? '' : 's'} still to send to`;
  if (run.transport === 'outbox') return 'outbox';
  if (config.queueUrl) return 'smtp';
  if (run.transport === 'smtp') {
    if (smtp) return 'smtp';
    throw smtpUrlMissing(
      `run ${run.id} is unfinished (${still}) and was created to be sent over SMTP, but SMTP_URL is not set: it is only ever finished over SMTP; nothing was fetched or sent`,
      `${SMTP_HINT} and run again: the readers still pending get the digest then, nobody twice.`,
    );
  }
  if (smtp) return 'smtp';
  if (config.delivery.transport === 'outbox') return 'outbox';
  throw new ConfigError(
    'TRANSPORT_UNKNOWN',
    `run ${run.id} is unfinished (${still}) and was recorded by an older version that did not keep its transport; SMTP_URL is not set, so it may have been meant for SMTP: nothing was fetched or sent`,
    { hint: `${SMTP_HINT} to finish it over SMTP; if it was meant for the outbox, set delivery.transport: outbox in the config.` },
  );
}
