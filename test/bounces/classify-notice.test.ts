import { describe, expect, it } from 'vitest';
import { classifyFailure, classifyNotice, type Verdict } from '../../src/bounces/classify-notice.js';
import { parseNotice, parseFieldGroups } from '../../src/bounces/parse-notice.js';
import { readTextBounce } from '../../src/bounces/text-bounce.js';
import { TokenSigner } from '../../src/tokens/tokens.js';
import { bounceToken, findBounceTokens, tokenMatches, verpAddress } from '../../src/bounces/verp.js';
import { bounceFixtureNames, renderBounceFixture } from '../support/bounces.js';

const key = new TokenSigner('a test secret that is long enough to use');
const values = {
  verp: (email: string) => verpAddress('bounces@news.example.com', bounceToken(key, 7, email)),
  messageId: (email: string) => `<digest.20261203070011.1a2b3c4d.${Buffer.from(email).toString('hex').slice(0, 24)}@news.example.com>`,
};

async function read(name: string) {
  const notice = await parseNotice(renderBounceFixture(name, values));
  return { notice, classification: classifyNotice(notice) };
}

/** What each sample is, as its mail server meant it. */
const EXPECTED: Record<string, { verdict: Verdict; format: string; recipient?: string; status?: string; reader?: string }> = {
  'postfix-user-unknown.eml': { verdict: 'hard', format: 'DSN', recipient: 'alice@example.net', status: '5.1.1', reader: 'alice@example.net' },
  'postfix-delayed.eml': { verdict: 'delayed', format: 'DSN', recipient: 'bob@example.org', status: '4.4.1', reader: 'bob@example.org' },
  'postfix-mailbox-full.eml': { verdict: 'soft', format: 'DSN', recipient: 'bob@example.org', status: '4.2.2', reader: 'bob@example.org' },
  'postfix-dmarc-rejected.eml': { verdict: 'blocked', format: 'DSN', recipient: 'dan@gmail.example', status: '5.7.26', reader: 'dan@gmail.example' },
  'postfix-forged-token.eml': { verdict: 'hard', format: 'DSN', recipient: 'alice@example.net', status: '5.1.1' },
  'exim-user-unknown.eml': { verdict: 'hard', format: 'Exim', recipient: 'carol@example.com', reader: 'carol@example.com' },
  'exim-no-verp.eml': { verdict: 'hard', format: 'Exim', recipient: 'erin@example.com' },
  'exim-delay-warning.eml': { verdict: 'delayed', format: 'Exim', recipient: 'carol@example.com', reader: 'carol@example.com' },
  'qmail-user-unknown.eml': { verdict: 'hard', format: 'qmail', recipient: 'frank@example.net', status: '5.1.1', reader: 'frank@example.net' },
  'office365-recipient-not-found.eml': { verdict: 'hard', format: 'DSN', recipient: 'grace@contoso.example', status: '5.1.10', reader: 'grace@contoso.example' },
  'gmail-address-not-found.eml': { verdict: 'hard', format: 'DSN', recipient: 'henry@example.org', status: '5.1.1', reader: 'henry@example.org' },
  'yahoo-arf-complaint.eml': { verdict: 'complaint', format: 'ARF', reader: 'ivy@yahoo.example' },
  'aol-arf-complaint.eml': { verdict: 'complaint', format: 'ARF', reader: 'jack@aol.example' },
  'exchange-automatic-reply.eml': { verdict: 'auto-reply', format: 'auto-reply', recipient: 'kate@contoso.example' },
  'vacation-x-autoreply.eml': { verdict: 'auto-reply', format: 'auto-reply', recipient: 'leo@example.net' },
  'sieve-vacation.eml': { verdict: 'auto-reply', format: 'auto-reply', recipient: 'mia@example.org' },
  'human-reply.eml': { verdict: 'unknown', format: 'message' },
};

describe('classifyNotice on samples in real mail servers’ formats', () => {
  it('has an expectation for every fixture', () => {
    expect(bounceFixtureNames().sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [name, expected] of Object.entries(EXPECTED)) {
    it(`${name}: ${expected.verdict}`, async () => {
      const { notice, classification } = await read(name);
      expect(classification.verdict).toBe(expected.verdict);
      expect(classification.format).toBe(expected.format);
      if (expected.recipient) expect(classification.recipient?.toLowerCase()).toBe(expected.recipient);
      if (expected.status) expect(classification.status).toBe(expected.status);
      expect(classification.reason.length).toBeGreaterThan(5);
      // The VERP token in the notice names the reader it was sent to, and only that reader.
      const tokens = findBounceTokens(notice.searchText);
      if (expected.reader) {
        expect(tokens.length).toBeGreaterThan(0);
        expect(tokens.every((t) => tokenMatches(key, t, expected.reader!))).toBe(true);
        expect(tokens.some((t) => tokenMatches(key, t, 'someone.else@example.net'))).toBe(false);
      }
    });
  }

  it('finds the original Message-ID in the returned message, In-Reply-To and the text copy', async () => {
    for (const [name, email] of [
      ['exim-no-verp.eml', 'erin@example.com'],
      ['postfix-user-unknown.eml', 'alice@example.net'],
      ['office365-recipient-not-found.eml', 'grace@contoso.example'],
      ['aol-arf-complaint.eml', 'jack@aol.example'],
      ['gmail-address-not-found.eml', 'henry@example.org'],
    ] as const) {
      const { notice } = await read(name);
      expect(notice.referencedMessageIds, name).toContain(values.messageId(email));
    }
  });

  it('a forged token decodes but matches no reader', async () => {
    const { notice } = await read('postfix-forged-token.eml');
    const tokens = findBounceTokens(notice.searchText);
    expect(tokens).toMatchObject([{ runId: 1, signature: 'bwmkxyarepb2u' }]);
    expect(tokenMatches(key, tokens[0]!, 'alice@example.net')).toBe(false);
  });

  it('reads ARF fields', async () => {
    const { notice } = await read('yahoo-arf-complaint.eml');
    expect(notice.feedback).toMatchObject({ feedbackType: 'abuse', userAgent: 'Yahoo!-Mail-Feedback/2.0', sourceIp: '192.0.2.10', reportedDomain: 'news.example.com' });
    expect(notice.feedback?.originalMailFrom).toBe(values.verp('ivy@yahoo.example'));
  });
});

describe('classifyFailure', () => {
  const failed = (status: string | undefined, diagnostic: string) => classifyFailure({ address: 'a@b.example', action: 'failed', status, diagnostic, remoteMta: undefined }).verdict;

  it('reads the enhanced status code first', () => {
    expect(failed('5.1.1', 'smtp; 550 5.1.1 user unknown')).toBe('hard');
    expect(failed('5.1.2', 'smtp; 550 Host unknown')).toBe('hard');
    expect(failed('5.2.1', 'smtp; 550 5.2.1 mailbox disabled')).toBe('hard');
    expect(failed('5.4.4', 'x-postfix; Host or domain name not found')).toBe('hard');
    expect(failed('5.2.2', 'smtp; 552 5.2.2 Mailbox full')).toBe('soft');
    expect(failed('4.4.7', 'x-postfix; delivery time expired')).toBe('soft');
    expect(failed('5.7.1', 'smtp; 550 5.7.1 Service unavailable; client host blocked using zen.spamhaus.org')).toBe('blocked');
    expect(failed('5.1.8', 'smtp; 553 5.1.8 sender address domain does not exist')).toBe('blocked');
  });

  it('takes the specific code from the diagnostic when Status is only x.0.0', () => {
    expect(failed('5.0.0', 'smtp; 550 5.1.1 <a@b.example>: Recipient address rejected')).toBe('hard');
    expect(failed('5.0.0', 'smtp; 552 5.2.2 over quota')).toBe('soft');
  });

  it('reads the words when there is no useful code', () => {
    expect(failed(undefined, "554 delivery error: dd This user doesn't have a yahoo.com account")).toBe('hard');
    expect(failed('5.0.0', 'smtp; 550 Requested action not taken: mailbox unavailable')).toBe('hard');
    expect(failed('5.0.0', 'smtp; 550 Message rejected because it looks like spam')).toBe('blocked');
    expect(failed('5.4.1', 'smtp; 550 5.4.1 Recipient address rejected: Access denied. AS(201806281)')).toBe('hard');
    expect(failed('4.7.1', 'smtp; 450 4.7.1 Recipient address rejected: Greylisted for 5 minutes')).toBe('blocked');
    expect(failed('5.0.0', 'smtp; 550 the mailbox is full')).toBe('soft');
    expect(failed(undefined, '')).toBe('hard');
  });
});

describe('text bounces', () => {
  const notice = (text: string, from = 'MAILER-DAEMON@mx.example.net', subject = 'Returned mail: see transcript for details', headers: Record<string, string> = {}) => ({
    from,
    fromAddress: from.toLowerCase(),
    subject,
    text,
    headers: (name: string) => (headers[name] ? [headers[name]] : []),
  });

  it('reads Sendmail’s text format, permanent and transient', () => {
    const permanent = readTextBounce(
      notice(
        'The original message was received at Thu, 3 Dec 2026 07:00:11 GMT\nfrom relay.news.example.com [192.0.2.10]\n\n   ----- The following addresses had permanent fatal errors -----\n<olga@example.net>\n    (reason: 550 5.1.1 <olga@example.net>... User unknown)\n\n   ----- Transcript of session follows -----\n... while talking to mx.example.net.:\n>>> RCPT To:<olga@example.net>\n<<< 550 5.1.1 <olga@example.net>... User unknown\n',
      ),
    );
    expect(permanent).toMatchObject({ format: 'Sendmail', recipients: [{ address: 'olga@example.net', action: 'failed', status: '5.1.1' }] });
    const transient = readTextBounce(
      notice('   ----- The following addresses had transient non-fatal errors -----\n<olga@example.net>\n    (reason: 451 4.3.0 Temporary failure)\n\n   ----- Transcript of session follows -----\n', 'MAILER-DAEMON@mx.example.net', 'Warning: could not send message for past 4 hours'),
    );
    expect(transient?.recipients[0]).toMatchObject({ action: 'delayed', status: '4.3.0' });
  });

  it('reads Exchange 2003’s text format', () => {
    const result = readTextBounce(
      notice(
        'Your message did not reach some or all of the intended recipients.\n\n      Subject:\tMorning Digest\n      Sent:\t12/3/2026 7:00 AM\n\nThe following recipient(s) cannot be reached:\n\n      pat@example.org on 12/3/2026 7:00 AM\n            The e-mail account does not exist at the organization this message was sent to.\n            <mx.example.org #5.1.1 smtp;550 5.1.1 User unknown>\n',
        'System Administrator <postmaster@example.org>',
        'Undeliverable: Morning Digest',
      ),
    );
    expect(result).toMatchObject({ format: 'Exchange', recipients: [{ address: 'pat@example.org', action: 'failed', status: '5.1.1' }] });
  });

  it('falls back to X-Failed-Recipients for a format it does not know', () => {
    const result = readTextBounce(notice('Sorry, we could not deliver your mail.\nRemote said: 550 5.1.1 no such user\n', 'Mail Delivery System <mailer-daemon@mx.example.org>', 'Mail failure', { 'x-failed-recipients': 'quinn@example.org' }));
    expect(result).toMatchObject({ format: 'text', recipients: [{ address: 'quinn@example.org', action: 'failed', status: '5.1.1' }] });
  });

  it('does not take a person’s message, or a forwarded bounce, for a bounce', () => {
    expect(readTextBounce(notice('The following address(es) failed:\n\n  x@example.org\n    550 user unknown\n', 'Ray <ray@example.org>', 'question'))).toBeUndefined();
    expect(readTextBounce(notice('The following address(es) failed:\n\n  x@example.org\n    550 user unknown\n', 'Ray <ray@example.org>', 'Fwd: Undeliverable: question'))).toBeUndefined();
  });
});

describe('parseFieldGroups', () => {
  it('unfolds continuation lines and splits groups on blank lines', () => {
    const groups = parseFieldGroups('Reporting-MTA: dns; a.example\r\n\r\nFinal-Recipient: rfc822; b@c.example\r\nDiagnostic-Code: smtp; 550\r\n  user unknown\r\n');
    expect(groups).toHaveLength(2);
    expect(groups[1]!.get('diagnostic-code')).toBe('smtp; 550 user unknown');
  });
});
