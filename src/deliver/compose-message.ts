import { createHash } from 'node:crypto';
/** One recipient's content: personalise() gives strings, personaliseBytes() UTF-8 bodies. */
export interface MessageContent {
  subject: string;
  html: string | Buffer;
  text: string | Buffer;
  unsubscribeUrl: string | undefined;
}

/** What nodemailer needs for one message; built the same way for SMTP and for the outbox. */
export interface OutgoingMessage {
  from: string;
  replyTo?: string;
  to: { name: string; address: string };
  subject: string;
  text: string | Buffer;
  html: string | Buffer;
  messageId: string;
  date: Date;
  headers: Record<string, string>;
  list?: { id?: { url: string; comment?: string }; unsubscribe?: string[][] };
  /** SMTP MAIL FROM / RCPT TO, when the envelope sender is not the From address (VERP bounces). */
  envelope?: { from: string; to: string[] };
  textEncoding: 'quoted-printable';
}

export interface ComposeOptions {
  from: string;
  replyTo?: string | undefined;
  title: string;
  date: Date;
  messageId: string;
  unsubscribeMailto?: string | undefined;
  /** The envelope sender, where bounces go (see bounces/verp.ts); default: the From address. */
  envelopeFrom?: string | undefined;
}

/** The domain part of the sender address, for Message-IDs and List-ID. */
export function senderDomain(from: string): string {
  const match = /@([^>\s]+)>?\s*$/.exec(from);
  return match?.[1]?.toLowerCase() ?? 'localhost';
}

/**
 * A run's key: when it started (to the second) and what it sends (the start of the rendering's
 * hash). Its recipients' Message-IDs, and their jobs on a delivery queue, are named after it.
 */
export function runKey(run: { startedAt: string; digestHash: string }): string {
  return `${run.startedAt.replace(/[^0-9]/g, '').slice(0, 14)}.${run.digestHash.slice(0, 8)}`;
}

/**
 * A Message-ID that is the same every time this run is sent to this recipient, so a receiver
 * that deduplicates by Message-ID collapses a copy re-sent after a crash.
 */
export function deterministicMessageId(runKey: string, recipient: string, from: string): string {
  const hash = createHash('sha256').update(`${runKey}\n${recipient.toLowerCase()}`).digest('hex').slice(0, 24);
  return `<digest.${runKey}.${hash}@${senderDomain(from)}>`;
}

function listId(title: string, from: string): { url: string; comment: string } {
  const slug =
    title
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'digest';
  return { url: `${slug}.${senderDomain(from)}`, comment: title };
}

/**
 * One recipient's message: multipart/alternative, text first and HTML last (nodemailer's order),
 * quoted-printable bodies (no line over 998 octets), RFC 2047 subject, List-ID, List-Unsubscribe
 * with the RFC 8058 one-click header when there is an https link, and the bulk-mail headers
 * (`Auto-Submitted: auto-generated`, `Precedence: bulk`).
 */
export function composeMessage(recipient: { email: string; name?: string | undefined }, content: MessageContent, options: ComposeOptions): OutgoingMessage {
  const unsubscribe: string[] = [];
  if (content.unsubscribeUrl) unsubscribe.push(content.unsubscribeUrl);
  if (options.unsubscribeMailto) {
    const mailto = options.unsubscribeMailto.startsWith('mailto:') ? options.unsubscribeMailto : `mailto:${options.unsubscribeMailto}`;
    unsubscribe.push(mailto);
  }
  const headers: Record<string, string> = {
    // A digest is machine-sent bulk mail: vacation notices and other auto-replies must not answer
    // it (RFC 3834 section 5; Precedence is what older responders still look at).
    'Auto-Submitted': 'auto-generated',
    Precedence: 'bulk',
  };
  // One-click unsubscribe (RFC 8058) needs an https URL that accepts a POST.
  if (content.unsubscribeUrl?.startsWith('https://')) headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  return {
    from: options.from,
    ...(options.replyTo ? { replyTo: options.replyTo } : {}),
    to: { name: recipient.name ?? '', address: recipient.email },
    subject: content.subject,
    text: content.text,
    html: content.html,
    messageId: options.messageId,
    date: options.date,
    headers,
    // A nested list makes nodemailer write one List-Unsubscribe header holding both links.
    list: { id: listId(options.title, options.from), ...(unsubscribe.length ? { unsubscribe: [unsubscribe] } : {}) },
    ...(options.envelopeFrom ? { envelope: { from: options.envelopeFrom, to: [recipient.email] } } : {}),
    textEncoding: 'quoted-printable',
  };
}
