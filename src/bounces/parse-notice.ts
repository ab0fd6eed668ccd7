import { simpleParser, type Attachment, type ParsedMail } from 'mailparser';

/**
 * Reads one message from a bounce mailbox into what classification needs: the per-recipient
 * delivery status of a DSN (RFC 3464, or RFC 6533's UTF-8 form), the fields of a feedback report
 * (RFC 5965, ARF), the headers of the returned original message, and the text for the formats
 * that are neither (qmail, old Exim and Sendmail, Exchange 2003 text bounces). MIME is
 * mailparser's; the report parts themselves are header-like field groups, read here.
 */

/** One group of `Name: value` fields, names lower-cased, continuation lines unfolded, first value kept. */
export type FieldGroup = Map<string, string>;

/** Header-like fields separated into groups by blank lines (RFC 3464 §2.1, RFC 5965 §3.1). */
export function parseFieldGroups(text: string): FieldGroup[] {
  const groups: FieldGroup[] = [];
  let current: FieldGroup | undefined;
  let lastName: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') {
      current = undefined;
      lastName = undefined;
      continue;
    }
    if (/^[ \t]/.test(line)) {
      if (current && lastName) current.set(lastName, `${current.get(lastName)} ${line.trim()}`.trim());
      continue;
    }
    const colon = line.indexOf(':');
    if (colon < 1) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) continue;
    if (!current) {
      current = new Map();
      groups.push(current);
    }
    if (current.has(name)) {
      // A repeated field (Received, Original-Rcpt-To): later values are not read, except that a
      // continuation must not attach to the first one.
      lastName = undefined;
      continue;
    }
    current.set(name, line.slice(colon + 1).trim());
    lastName = name;
  }
  return groups;
}

/** The header block of a message (up to its first blank line) as one field group. */
export function parseHeaderBlock(text: string): FieldGroup {
  const end = text.search(/\r?\n\r?\n/);
  return parseFieldGroups(end < 0 ? text : text.slice(0, end))[0] ?? new Map();
}

/** The address in a DSN or ARF address field: `rfc822; <a@b>` → `a@b`. */
export function fieldAddress(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const withoutType = value.replace(/^\s*[\w.-]+\s*;\s*/, '');
  const bracketed = /<([^<>\s]+@[^<>\s]+)>/.exec(withoutType);
  const address = (bracketed?.[1] ?? withoutType).trim().replace(/^["']|["']$/g, '');
  return /^[^\s@]+@[^\s@]+$/.test(address) ? address : undefined;
}

export interface RecipientStatus {
  /** Final-Recipient (else Original-Recipient), as a bare address. */
  address: string | undefined;
  /** failed | delayed | delivered | relayed | expanded, lower-cased; undefined when not given. */
  action: string | undefined;
  /** The enhanced status code (RFC 3463) as given, e.g. `5.1.1`. */
  status: string | undefined;
  /** The remote server's reply, e.g. `smtp; 550 5.1.1 <a@b>: user unknown`. */
  diagnostic: string | undefined;
  remoteMta: string | undefined;
}

export interface FeedbackReport {
  /** abuse | fraud | virus | other | not-spam | auth-failure, lower-cased. */
  feedbackType: string;
  userAgent: string | undefined;
  originalMailFrom: string | undefined;
  originalRcptTo: string | undefined;
  reportedDomain: string | undefined;
  sourceIp: string | undefined;
}

export interface ParsedNotice {
  /** The notice's own Message-ID. */
  messageId: string | undefined;
  /** The From header as written (`Mail Delivery System <MAILER-DAEMON@…>`). */
  from: string;
  /** The From address alone, lower-cased. */
  fromAddress: string;
  subject: string;
  date: Date | undefined;
  /** Every value of a header, by lower-case name (`delivered-to` may appear several times). */
  headers: (name: string) => string[];
  /** The machine-readable report the message carries, if any. */
  report: 'delivery-status' | 'feedback-report' | undefined;
  reportingMta: string | undefined;
  /** Per-recipient status blocks of a DSN (empty for anything else). */
  recipients: RecipientStatus[];
  feedback: FeedbackReport | undefined;
  /** Header fields of the returned original message (whole, or headers only), when included. */
  original: FieldGroup | undefined;
  /** Message-IDs the notice points back at: the original's, In-Reply-To, References, X-Original-Message-ID. */
  referencedMessageIds: string[];
  /** The human-readable text (the HTML turned into text when there is no plain part). */
  text: string;
  /** Every place a VERP token may be written: the header lines, text, report and returned message. */
  searchText: string;
}

const PARSER_OPTIONS = {
  // Keep message/delivery-status as its own part (mailparser folds it into the text by default).
  keepDeliveryStatus: true,
  // Keep a returned message whole, as a part (an inline one would otherwise be shown as text
  // with a few of its headers, losing its Return-Path and Message-ID). Passed on to mailsplit.
  ignoreEmbedded: true,
  skipHtmlToText: true,
  skipTextToHtml: true,
  skipImageLinks: true,
  skipTextLinks: true,
} as const;

const DELIVERY_STATUS = new Set(['message/delivery-status', 'message/global-delivery-status']);
const FEEDBACK_REPORT = new Set(['message/feedback-report']);
const RETURNED_MESSAGE = new Set(['message/rfc822', 'message/global', 'text/rfc822-headers', 'message/rfc822-headers', 'message/global-headers']);

function messageIds(value: string | undefined): string[] {
  return value ? [...value.matchAll(/<[^<>\s]+@[^<>\s]+>/g)].map((m) => m[0]) : [];
}

function deliveryStatus(groups: FieldGroup[]): { reportingMta: string | undefined; recipients: RecipientStatus[]; originalMessageId: string | undefined } {
  // The first group is per-message unless it already names a recipient (some servers omit it).
  const first = groups[0];
  const perMessage = first && !first.has('final-recipient') && !first.has('original-recipient') ? first : undefined;
  const recipients = groups
    .filter((group) => group !== perMessage && (group.has('final-recipient') || group.has('original-recipient') || group.has('action') || group.has('status')))
    .map((group) => ({
      address: fieldAddress(group.get('final-recipient')) ?? fieldAddress(group.get('original-recipient')),
      action: group.get('action')?.toLowerCase().split(/[\s(;]/)[0] || undefined,
      status: /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(group.get('status') ?? '')?.[1],
      diagnostic: group.get('diagnostic-code'),
      remoteMta: group.get('remote-mta')?.replace(/^\s*dns\s*;\s*/i, ''),
    }));
  return {
    reportingMta: perMessage?.get('reporting-mta')?.replace(/^\s*dns\s*;\s*/i, ''),
    recipients,
    originalMessageId: messageIds(perMessage?.get('x-original-message-id'))[0],
  };
}

function feedbackReport(group: FieldGroup): FeedbackReport {
  return {
    feedbackType: (group.get('feedback-type') ?? '').trim().toLowerCase(),
    userAgent: group.get('user-agent'),
    originalMailFrom: fieldAddress(group.get('original-mail-from')),
    originalRcptTo: fieldAddress(group.get('original-rcpt-to')),
    reportedDomain: group.get('reported-domain'),
    sourceIp: group.get('source-ip'),
  };
}

function text(attachment: Attachment): string {
  return attachment.content.toString('utf8');
}

/**
 * Where the report is not in its own MIME part (a report pasted into a plain message, or a
 * multipart/report whose report part is labelled text/plain), the fields in the text.
 */
function inlineGroups(body: string, marker: RegExp): FieldGroup[] {
  const at = body.search(marker);
  return at < 0 ? [] : parseFieldGroups(body.slice(at));
}

/** Parses one message (the raw bytes of an .eml, a Maildir file or an IMAP message). */
export async function parseNotice(raw: Buffer): Promise<ParsedNotice> {
  const mail: ParsedMail = await simpleParser(raw, PARSER_OPTIONS as Parameters<typeof simpleParser>[1]);
  const all = new Map<string, string[]>();
  for (const { key, line } of mail.headerLines) {
    const value = line.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
    all.set(key, [...(all.get(key) ?? []), value]);
  }
  const headers = (name: string) => all.get(name.toLowerCase()) ?? [];

  const attachments = mail.attachments;
  const statusPart = attachments.find((a) => DELIVERY_STATUS.has(a.contentType));
  const feedbackPart = attachments.find((a) => FEEDBACK_REPORT.has(a.contentType));
  const returned = attachments.find((a) => RETURNED_MESSAGE.has(a.contentType));
  const reportType = (mail.headers.get('content-type') as { params?: Record<string, string> } | undefined)?.params?.['report-type']?.toLowerCase();

  let body = mail.text ?? '';
  if (!body.trim() && typeof mail.html === 'string' && !statusPart && !feedbackPart) {
    // An HTML-only message that is not a report (an HTML text bounce): read again, this time with
    // mailparser's conversion of the HTML to text (skipped above: reports rarely need it).
    body = (await simpleParser(raw, { ...PARSER_OPTIONS, skipHtmlToText: false } as Parameters<typeof simpleParser>[1])).text ?? '';
  }

  let report: ParsedNotice['report'];
  let reportingMta: string | undefined;
  let recipients: RecipientStatus[] = [];
  let feedback: FeedbackReport | undefined;
  const referenced: string[] = [];

  const statusGroups = statusPart
    ? parseFieldGroups(text(statusPart))
    : reportType === 'delivery-status' || /^(Final-Recipient|Original-Recipient):/im.test(body)
      ? inlineGroups(body, /^(Reporting-MTA|Final-Recipient|Original-Recipient):/im)
      : [];
  if (statusGroups.length > 0) {
    const status = deliveryStatus(statusGroups);
    if (status.recipients.length > 0) {
      report = 'delivery-status';
      reportingMta = status.reportingMta;
      recipients = status.recipients;
      if (status.originalMessageId) referenced.push(status.originalMessageId);
    }
  }
  if (!report) {
    const feedbackGroup = feedbackPart ? parseFieldGroups(text(feedbackPart))[0] : inlineGroups(body, /^Feedback-Type:/im)[0];
    if (feedbackGroup?.has('feedback-type')) {
      report = 'feedback-report';
      feedback = feedbackReport(feedbackGroup);
    }
  }

  const original = returned ? parseHeaderBlock(text(returned)) : undefined;
  if (original) referenced.push(...messageIds(original.get('message-id')));
  // Text bounces quote the original below the explanation; its Message-ID line is the only one in
  // the body (the notice's own is a header).
  for (const match of body.matchAll(/^\s*Message-I[Dd]:\s*(<[^<>\s]+@[^<>\s]+>)/gm)) referenced.push(match[1]!);
  referenced.push(...messageIds(headers('in-reply-to')[0]), ...messageIds(headers('references').join(' ')));

  const fromValue = mail.from?.value[0];
  const searchParts = [mail.headerLines.map((h) => h.line).join('\n'), body];
  for (const attachment of attachments) {
    if (attachment.contentType.startsWith('message/') || attachment.contentType.startsWith('text/')) searchParts.push(text(attachment));
  }
  return {
    messageId: mail.messageId ?? undefined,
    from: mail.from?.text ?? '',
    fromAddress: (fromValue?.address ?? '').toLowerCase(),
    subject: mail.subject ?? '',
    date: mail.date,
    headers,
    report,
    reportingMta,
    recipients,
    feedback,
    original,
    referencedMessageIds: [...new Set(referenced)],
    text: body,
    searchText: searchParts.join('\n'),
  };
}
