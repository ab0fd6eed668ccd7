import type { ParsedNotice, RecipientStatus } from './parse-notice.js';

/**
 * Bounces that carry no machine-readable report, only prose: qmail, Exim's classic message,
 * Sendmail's old text format, Exchange 2003 and the "Delivery has failed to these recipients"
 * text of later Exchange versions, and anything else from a mail system that names the failed
 * addresses in `X-Failed-Recipients`. Each format lists the failed addresses in a known layout,
 * each followed by the remote server's reply; that is what is read here.
 */

export type TextBounceFormat = 'qmail' | 'Exim' | 'Sendmail' | 'Exchange' | 'text';

export interface TextBounce {
  format: TextBounceFormat;
  recipients: RecipientStatus[];
}

const ADDRESS = String.raw`[^\s<>()"@,;:]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+`;

/** From a mailer daemon or postmaster, or signed as a mail delivery system. */
export function fromMailSystem(notice: Pick<ParsedNotice, 'from' | 'fromAddress'>): boolean {
  const local = notice.fromAddress.split('@')[0] ?? '';
  if (/^(mailer-daemon|mailer_daemon|mailerdaemon|mail-daemon|postmaster|mdaemon|mail-delivery-system|double-bounce|nobody)$/i.test(local)) return true;
  return /mail delivery (subsystem|system|service)|mailer[- ]daemon|mail administrator|postmaster|microsoft outlook|mail system/i.test(notice.from);
}

const BOUNCE_SUBJECT =
  /undeliver|delivery (status notification|failure|failed|has failed|problem|notification)|mail delivery failed|returned mail|returned to sender|failure notice|could not be delivered|non-?delivery|not delivered|delivery report|mail system error|warning: message .* delayed|delayed mail|delivery delayed/i;

/** The prose part of a text bounce: everything before the copy of the original message. */
function proseOf(text: string): string {
  const markers = [
    /^--- Below this line is a copy of the message\./m,
    /^--- Enclosed are the original headers of the message\./m,
    /^-{3,} This is a copy of the message/m,
    /^-{3,} The body of the message is/m,
    /^ *-{3,} Original message (headers )?follows? -{3,}/im,
    /^ *-{3,} ?(Original|Returned) message/im,
  ];
  let end = text.length;
  for (const marker of markers) {
    const at = text.search(marker);
    if (at >= 0 && at < end) end = at;
  }
  return text.slice(0, end);
}

const ENHANCED = /\b([245]\.\d{1,3}\.\d{1,3})\b/;

function entry(address: string, diagnostic: string, action: 'failed' | 'delayed'): RecipientStatus {
  const text = diagnostic.replace(/\s+/g, ' ').trim();
  return { address, action, status: ENHANCED.exec(text)?.[1], diagnostic: text || undefined, remoteMta: undefined };
}

/** "Hi. This is the qmail-send program at …": one paragraph per address, `<a@b>:` then the reply. */
function qmail(prose: string, action: 'failed' | 'delayed'): RecipientStatus[] {
  const out: RecipientStatus[] = [];
  for (const paragraph of prose.split(/\r?\n\s*\r?\n/)) {
    const match = new RegExp(`^\\s*<(${ADDRESS})>:\\s*([\\s\\S]*)$`, 'i').exec(paragraph);
    if (match) out.push(entry(match[1]!, match[2]!, action));
  }
  return out;
}

/**
 * An indented list: an address on its own line (Exim: two spaces; Exchange 2003: six, with
 * " on <date>"), then the server's reply on more deeply indented lines, up to a blank line or the
 * next address.
 */
function indentedList(section: string, action: 'failed' | 'delayed'): RecipientStatus[] {
  const out: RecipientStatus[] = [];
  const line = new RegExp(`^(\\s*)<?(${ADDRESS})>?(?:\\s+on\\s+.*)?\\s*$`, 'i');
  let current: { address: string; indent: number; lines: string[] } | undefined;
  const flush = () => {
    if (current) out.push(entry(current.address, current.lines.join(' '), action));
    current = undefined;
  };
  for (const text of section.split(/\r?\n/)) {
    const match = line.exec(text);
    if (match && (!current || match[1]!.length <= current.indent)) {
      flush();
      current = { address: match[2]!, indent: match[1]!.length, lines: [] };
      continue;
    }
    if (!current) continue;
    if (text.trim() === '') {
      if (current.lines.length > 0) flush();
      continue;
    }
    const indent = /^\s*/.exec(text)![0].length;
    if (indent > current.indent || current.lines.length === 0) current.lines.push(text.trim());
    else flush();
  }
  flush();
  return out;
}

function after(prose: string, marker: RegExp): string | undefined {
  const match = marker.exec(prose);
  return match ? prose.slice(match.index + match[0].length) : undefined;
}

/** Did the mail system say it gave up, or that it is still trying? */
function actionOf(prose: string): 'failed' | 'delayed' {
  if (/permanent (error|fatal|failure)|given up|giving up|could not be delivered|couldn'?t be delivered|wasn'?t delivered|delivery has failed|cannot be reached|did not reach|not be delivered/i.test(prose)) return 'failed';
  if (/has not yet been delivered|not been delivered yet|delivery attempts will continue|will (continue to )?(retry|try again)|still (being )?(trying|retried)|transient non-fatal|temporar(y|ily) (error|failure|problem|unavailable)|will be retried|delayed/i.test(prose)) {
    return 'delayed';
  }
  return 'failed';
}

/**
 * Reads a text bounce. Undefined when the message is not one: not from a mail system (or without
 * a bounce subject), or without a list of failed addresses in a known layout.
 */
export function readTextBounce(notice: Pick<ParsedNotice, 'from' | 'fromAddress' | 'subject' | 'text' | 'headers'>): TextBounce | undefined {
  const failedHeader = notice.headers('x-failed-recipients').join(',');
  const subject = notice.subject.trim();
  const forwarded = /^(fwd?|fw|wg|tr|re|aw|sv|vs)\s*:/i.test(subject);
  if (forwarded || !(fromMailSystem(notice) || failedHeader || BOUNCE_SUBJECT.test(subject))) return undefined;
  const prose = proseOf(notice.text);
  const action = actionOf(prose);

  if (/qmail-send program|This is the qmail/i.test(prose) || /^--- Below this line is a copy of the message\./m.test(notice.text)) {
    const recipients = qmail(prose, action);
    if (recipients.length > 0) return { format: 'qmail', recipients };
  }
  const exim =
    after(prose, /address\(es\) failed:\s*\n/i) ??
    after(prose, /following address(es)? (has|have) not yet been delivered[^\n]*\n/i) ??
    after(prose, /address to which the message has not yet been delivered is:\s*\n/i) ??
    after(prose, /addresses to which the message has not yet been delivered are:\s*\n/i);
  if (exim !== undefined) {
    const recipients = indentedList(exim, action);
    if (recipients.length > 0) return { format: 'Exim', recipients };
  }
  const sendmail = /-{3,} The following addresses had (permanent fatal|transient non-fatal) errors -{3,}\s*\n/i.exec(prose);
  if (sendmail) {
    const section = prose.slice(sendmail.index + sendmail[0].length).split(/-{3,} Transcript of session follows/i)[0]!;
    const recipients = indentedList(section, /transient/i.test(sendmail[1]!) ? 'delayed' : 'failed');
    if (recipients.length > 0) return { format: 'Sendmail', recipients };
  }
  const exchange =
    after(prose, /The following recipient\(s\) (cannot|could not) be reached:\s*\n/i) ??
    after(prose, /Delivery has failed to these recipients or groups:\s*\n/i);
  if (exchange !== undefined) {
    const recipients = indentedList(exchange, action);
    if (recipients.length > 0) return { format: 'Exchange', recipients };
  }
  if (failedHeader) {
    const addresses = [...new Set(failedHeader.split(/[,\s]+/).map((a) => a.replace(/^<|>$/g, '')).filter((a) => a.includes('@')))];
    // The first line quoting a server reply is the best reason a format we do not know gives.
    const reply = /^.*\b[45]\d\d[ -](?:[245]\.\d{1,3}\.\d{1,3}\b)?.*$/m.exec(prose)?.[0] ?? '';
    if (addresses.length > 0) return { format: 'text', recipients: addresses.map((address) => entry(address, reply, action)) };
  }
  return undefined;
}
