import type { ParsedNotice, RecipientStatus } from './parse-notice.js';
import { fromMailSystem, readTextBounce } from './text-bounce.js';

/**
 * What a message in the bounce mailbox means for the reader it concerns:
 * - `hard`: the address cannot receive mail (no such user or domain, disabled account);
 * - `soft`: it could not receive this one (mailbox full, server trouble, gave up after retrying);
 * - `blocked`: the receiving server refused the message over the sender (spam filter, block
 *   list, DMARC/SPF/DKIM, rate limit): a problem with the sending, not with the reader's address,
 *   so it is reported and does not count against the reader;
 * - `complaint`: the reader marked it as spam (ARF abuse, fraud, virus, other);
 * - `delayed`: a warning that delivery is still being retried (no failure yet);
 * - `delivered`: a success notice (DSN action delivered, relayed or expanded);
 * - `report`: a feedback report that is no complaint (not-spam, authentication failure);
 * - `auto-reply`: a vacation message or other automatic answer, not a bounce;
 * - `unknown`: none of these; left where it is for a person to read.
 */
export type Verdict = 'hard' | 'soft' | 'blocked' | 'complaint' | 'delayed' | 'delivered' | 'report' | 'auto-reply' | 'unknown';

export interface Classification {
  verdict: Verdict;
  /** The format it was read as: `DSN`, `ARF`, `qmail`, `Exim`, `Sendmail`, `Exchange`, `text`, `auto-reply`. */
  format: string;
  /** The address the notice names (Final-Recipient, Original-Rcpt-To, the failed address). */
  recipient: string | undefined;
  /** Enhanced status code (RFC 3463), when there is one. */
  status: string | undefined;
  /** Why, in a few words: `mailbox does not exist (5.1.1)`, `complaint: abuse`. */
  reason: string;
  /** The remote server's own words, when given. */
  diagnostic: string | undefined;
}

const QUOTA =
  /over ?quota|quota (exceeded|full)|exceeded (its|the|their)? ?(storage|quota)|mailbox (is )?full|mailbox size limit|insufficient (system )?storage|out of storage|inbox is (out of storage|full)|full mailbox|disk full|storage (space|allocation)|too much mail/i;
const POLICY =
  /greylist|graylist|spam|blocked|block ?list|black ?list|deny ?list|reputation|policy|dmarc|\bspf\b|\bdkim\b|unauthenticated|not authori[sz]ed|rate limit|rate that prevents|too many (messages|connections|recipients)|content rejected|message rejected|rejected (due to|for|because of) (policy|content)|banned|virus|malware|listed (at|in|on|by)|\brbl\b|spamhaus|barracuda|junk|relay(ing)? (access )?denied|not permitted to relay|unsolicited|suspicious|\bS3150\b|\bPTR\b|reverse dns|not accepted for policy/i;
const GONE =
  /(user|mailbox|recipient|address|account|e-?mail account)( name)? (is )?(unknown|not found|does not exist|doesn'?t exist|invalid|unavailable|disabled|deactivated|inactive|suspended|closed|no longer (active|valid|available|exists))|no such (user|mailbox|recipient|address|account|person)|unknown (user|recipient|mailbox|address|local[- ]part)|(invalid|bad|unrouteable|unroutable|undeliverable) (recipient|address|destination|mailbox)|recipient (address )?rejected|address (couldn'?t|could not) be found|recipientnotfound|recipnotfound|user not found|not our customer|doesn'?t have an? [\w.]+ account|does not have an account|mailbox not found|account (has been |is )?(disabled|expired|deactivated|terminated)|(host|domain)( name)? (not found|does not exist)|no mx|null mx|domain (has no|without) mail|no mail(box)? here|unrouteable address|user doesn'?t exist/i;

const STATUS_NAMES: Record<string, string> = {
  '1.1': 'mailbox does not exist',
  '1.2': 'domain does not exist',
  '1.3': 'address is not valid',
  '1.6': 'mailbox has moved',
  '1.10': 'address does not exist',
  '2.1': 'mailbox disabled',
  '2.2': 'mailbox full',
  '2.3': 'message too large',
  '4.4': 'no mail server for the domain',
  '4.7': 'gave up after retrying',
};

function statusName(status: string | undefined): string | undefined {
  if (!status) return undefined;
  const detail = status.split('.').slice(1).join('.');
  return STATUS_NAMES[detail];
}

/** The enhanced status, taken from the diagnostic when the Status field says only x.0.0. */
function enhancedStatus(recipient: RecipientStatus): string | undefined {
  const fromDiagnostic = /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(recipient.diagnostic ?? '')?.[1];
  if (!recipient.status) return fromDiagnostic;
  if (/^[245]\.0\.0$/.test(recipient.status) && fromDiagnostic && fromDiagnostic[0] === recipient.status[0]) return fromDiagnostic;
  return recipient.status;
}

function shortDiagnostic(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const clean = text.replace(/^\s*(smtp|x-postfix|x-unix|x-local)\s*;\s*/i, '').replace(/\s+/g, ' ').trim();
  return clean.length > 300 ? `${clean.slice(0, 297)}…` : clean;
}

type FailureVerdict = 'hard' | 'soft' | 'blocked';

/** Hard, soft or blocked for a recipient whose delivery failed, with a reason. */
export function classifyFailure(recipient: RecipientStatus): { verdict: FailureVerdict; status: string | undefined; reason: string } {
  const status = enhancedStatus(recipient);
  const text = `${recipient.diagnostic ?? ''}`;
  const code = /\b([45]\d\d)\b/.exec(text)?.[1];
  const named = statusName(status);
  const label = (words: string) => (status ? `${words} (${status})` : code ? `${words} (${code})` : words);
  const cls = status?.[0] ?? code?.[0];
  const [, subject, detail] = status?.split('.') ?? [];

  if (QUOTA.test(text) || (subject === '2' && (detail === '2' || detail === '3'))) return { verdict: 'soft', status, reason: label(named ?? 'mailbox full') };
  // About the sender, not the reader: our own address or domain was refused.
  if (subject === '1' && (detail === '7' || detail === '8')) return { verdict: 'blocked', status, reason: label('sender address refused') };
  if (cls === '5' && ((subject === '1' && ['1', '2', '3', '6', '10'].includes(detail ?? '')) || (subject === '2' && detail === '1') || (subject === '4' && detail === '4'))) {
    return { verdict: 'hard', status, reason: label(named ?? 'address does not exist') };
  }
  if (POLICY.test(text) || subject === '7') return { verdict: 'blocked', status, reason: label('refused by the receiving server’s policy') };
  if (GONE.test(text)) return { verdict: cls === '4' ? 'soft' : 'hard', status, reason: label(cls === '4' ? 'mailbox unavailable for now' : 'no such address, or disabled') };
  if (cls === '4') return { verdict: 'soft', status, reason: label(named ?? 'temporary failure; the server gave up retrying') };
  if (subject === '1') return { verdict: 'hard', status, reason: label(named ?? 'bad address') };
  if (subject && subject !== '0') return { verdict: 'soft', status, reason: label(named ?? 'delivery problem at the receiving server') };
  if (code === '552') return { verdict: 'soft', status, reason: label('mailbox full') };
  // A permanent failure that says nothing more: the receiving server will not take mail for this address.
  return { verdict: 'hard', status, reason: label('permanent failure') };
}

const VERDICT_ORDER: Verdict[] = ['hard', 'soft', 'blocked', 'delayed', 'delivered'];

function classifyRecipients(recipients: RecipientStatus[], format: string): Classification {
  const judged = recipients.map((recipient) => {
    const action = recipient.action ?? (recipient.status?.startsWith('2') ? 'delivered' : 'failed');
    if (action === 'delayed') {
      const status = enhancedStatus(recipient);
      return { recipient, verdict: 'delayed' as Verdict, status, reason: `delivery delayed${status ? ` (${status})` : ''}; the sending server is still retrying` };
    }
    if (action === 'delivered' || action === 'relayed' || action === 'expanded') {
      return { recipient, verdict: 'delivered' as Verdict, status: recipient.status, reason: `${action} (not a bounce)` };
    }
    return { recipient, ...classifyFailure(recipient) };
  });
  judged.sort((a, b) => VERDICT_ORDER.indexOf(a.verdict) - VERDICT_ORDER.indexOf(b.verdict));
  const worst = judged[0]!;
  return {
    verdict: worst.verdict,
    format,
    recipient: worst.recipient.address,
    status: worst.status,
    reason: worst.reason,
    diagnostic: shortDiagnostic(worst.recipient.diagnostic),
  };
}

const COMPLAINT_TYPES = new Set(['abuse', 'fraud', 'virus', 'other']);

const AUTO_REPLY_SUBJECT =
  /^(auto(matic)?[ -]?(reply|response|antwort|svar)|auto:|out of (the )?office|ooo\b|away from (the )?office|on vacation|vacation|absence|abwesenheit|abwesenheitsnotiz|automatische antwort|réponse automatique|respuesta automática|fuera de la oficina|risposta automatica|automatisch antwoord|afwezig|resposta automática|autosvar|automaattinen vastaus|automatyczna odpowiedź)/i;

/** RFC 3834 and the headers vacation programs and Exchange put on automatic answers. */
export function isAutoReply(notice: Pick<ParsedNotice, 'headers' | 'subject'>): boolean {
  const submitted = notice.headers('auto-submitted')[0]?.trim().toLowerCase();
  if (submitted && !submitted.startsWith('no')) return true;
  if (['x-autoreply', 'x-autorespond', 'x-autoresponder', 'x-autoresponse', 'x-auto-response', 'x-autogenerated', 'x-mail-autoreply', 'x-autoreply-from'].some((h) => notice.headers(h).length > 0)) {
    return true;
  }
  if (notice.headers('precedence').some((p) => /auto[_-]?reply/i.test(p)) || notice.headers('x-precedence').some((p) => /auto[_-]?reply/i.test(p))) return true;
  return AUTO_REPLY_SUBJECT.test(notice.subject.trim());
}

/**
 * Classifies one parsed message. A report (DSN, ARF) decides by its fields; a message without
 * one is tried as a text bounce and then as an automatic reply; anything else is `unknown`.
 */
export function classifyNotice(notice: ParsedNotice): Classification {
  if (notice.report === 'delivery-status') return classifyRecipients(notice.recipients, 'DSN');
  if (notice.report === 'feedback-report' && notice.feedback) {
    const { feedbackType, userAgent } = notice.feedback;
    const agent = userAgent ? `, ${userAgent}` : '';
    const recipient = notice.feedback.originalRcptTo ?? undefined;
    if (COMPLAINT_TYPES.has(feedbackType)) {
      return { verdict: 'complaint', format: 'ARF', recipient, status: undefined, reason: `marked as spam (${feedbackType}${agent})`, diagnostic: undefined };
    }
    const reason = feedbackType === 'auth-failure' ? 'authentication failure report: check SPF, DKIM and DMARC for the sending domain' : `feedback report "${feedbackType || 'unnamed'}" (not a complaint)`;
    return { verdict: 'report', format: 'ARF', recipient, status: undefined, reason, diagnostic: undefined };
  }
  const text = readTextBounce(notice);
  if (text) return classifyRecipients(text.recipients, text.format);
  // An automatic answer from a person's mailbox, not from the mail system.
  if (isAutoReply(notice) && !fromMailSystem(notice)) {
    return { verdict: 'auto-reply', format: 'auto-reply', recipient: notice.fromAddress || undefined, status: undefined, reason: 'automatic reply (not a bounce)', diagnostic: undefined };
  }
  return { verdict: 'unknown', format: 'message', recipient: undefined, status: undefined, reason: 'not a bounce, complaint or automatic reply this tool can read', diagnostic: undefined };
}
