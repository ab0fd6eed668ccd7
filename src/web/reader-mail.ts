import { randomUUID } from 'node:crypto';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { senderDomain, type OutgoingMessage } from '../deliver/compose-message.js';
import { escapeHtml } from './html.js';

/**
 * The two emails `digest web` sends a person who asks to join: a confirmation link (double
 * opt-in), or, when the address is on the list already, a note with its preferences link. Both go
 * only to the address asked about, so the page that took the request can say the same either way.
 */

type MailConfig = Pick<ResolvedConfig, 'title' | 'from' | 'replyTo' | 'theme'>;

function message(config: MailConfig, to: { email: string; name?: string | undefined }, subject: string, paragraphs: { text: string; link?: { url: string; label: string } }[]): OutgoingMessage {
  const text = paragraphs.map((p) => (p.link ? `${p.text}\n${p.link.url}` : p.text)).join('\n\n') + '\n';
  const accent = /^#[0-9a-f]{3,8}$/i.test(String(config.theme.accentColor)) ? String(config.theme.accentColor) : '#c2410c';
  const body = paragraphs
    .map((p) =>
      p.link
        ? `<p>${escapeHtml(p.text)}</p><p><a href="${escapeHtml(p.link.url)}" style="display:inline-block;padding:10px 18px;background:${accent};color:#ffffff;text-decoration:none;border-radius:4px">${escapeHtml(p.link.label)}</a></p>`
        : `<p>${escapeHtml(p.text)}</p>`,
    )
    .join('\n');
  const html = `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(subject)}</title></head><body style="font-family:Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5;color:#1f2933;max-width:560px;margin:0 auto;padding:24px">${body}</body></html>`;
  return {
    from: config.from,
    ...(config.replyTo ? { replyTo: config.replyTo } : {}),
    to: { name: to.name ?? '', address: to.email },
    subject,
    text,
    html,
    messageId: `<reader.${randomUUID()}@${senderDomain(config.from)}>`,
    date: new Date(),
    // Sent by a program on someone's request: auto-responders should not answer it (RFC 3834).
    headers: { 'Auto-Submitted': 'auto-generated' },
    textEncoding: 'quoted-printable',
  };
}

export function confirmationMail(config: MailConfig, to: { email: string; name?: string | undefined }, confirmUrl: string, hours: number): OutgoingMessage {
  return message(config, to, `Confirm your subscription to ${config.title}`, [
    { text: `Someone, probably you, asked for ${config.title} to be sent to ${to.email}.` },
    { text: `To confirm, open this link within ${hours} hours:`, link: { url: confirmUrl, label: 'Confirm my subscription' } },
    { text: 'If you did not ask for it, ignore this email: nothing will be sent to you.' },
  ]);
}

export function alreadySubscribedMail(config: MailConfig, to: { email: string; name?: string | undefined }, preferencesUrl: string): OutgoingMessage {
  return message(config, to, `You already get ${config.title}`, [
    { text: `Someone, probably you, asked for ${config.title} to be sent to ${to.email}. This address gets it already.` },
    { text: 'To choose sections, take a break or unsubscribe:', link: { url: preferencesUrl, label: 'My preferences' } },
    { text: 'If you did not ask, ignore this email: nothing has changed.' },
  ]);
}
