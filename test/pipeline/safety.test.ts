/**
 * Issue 10, "A cron job that can never silently do the wrong thing": the pipeline-level cases,
 * each reproduced with real files, a real SMTP server and the real state file.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { runDigest } from '../../src/pipeline/run-digest.js';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js';
import { useTempDir } from '../support/temp-dir.js';

const tmp = useTempDir();
let servers: TestSmtpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function smtp(behaviour: Parameters<typeof startSmtpServer>[0] = {}) {
  const server = await startSmtpServer(behaviour);
  servers.push(server);
  return server;
}

const now = () => new Date('2026-11-27T07:00:05Z');

/** Writes a config (as JSON, which is YAML) in the temp folder and loads it. */
function project(settings: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) {
  const file = tmp.write('digest.config.yaml', JSON.stringify({ state: 'state.sqlite', out: 'out', delivery: { rateLimit: 0, attempts: 1 }, ...settings }));
  return loadConfig({ configPath: file, cwd: tmp.dir(), env });
}

function jsonFeed(title: string, items: Record<string, unknown>[]): string {
  return JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title, home_page_url: 'https://news.example/', items });
}

/** C0 controls other than tab and line breaks, DEL, C1 controls, and the bidi embeddings, overrides and isolates. */
const UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('control characters and bidi overrides from feeds never reach the email', () => {
  it('strips ESC sequences, BEL and U+202E from titles, text and the feed name in every part of the message', async () => {
    const story = 'The council voted on Tuesday to reopen the harbour bridge after a year of repairs, the mayor said. '.repeat(3);
    tmp.write(
      'evil.json',
      jsonFeed('Evil\u001b]0;pwned\u0007 News\u001b[2J', [
        { id: '1', url: 'https://news.example/1', title: 'Invoice \u202egnp.exe', content_text: story, date_published: '2026-11-27T05:00:00Z' },
        {
          id: '2',
          url: 'https://news.example/2',
          title: 'Click \u001b]8;;https://evil.example/\u001b\\here\u001b]8;;\u001b\\ now\u0007',
          content_html: `<p>${story}\u001b[31m red \u001b[0m \u0085 \u2066isolated\u2069</p>`,
          date_published: '2026-11-27T04:00:00Z',
        },
      ]),
    );
    const server = await smtp();
    const config = project({ feeds: [{ url: 'evil.json', fullText: 'never' }], recipients: ['reader@example.com'], template: 'default' }, { SMTP_URL: server.url });
    const result = await runDigest(config, { now });
    expect(result.status).toBe('sent');
    const headlines = result.digest!.items.map((item) => item.headline);
    expect(headlines).toContain('Invoice gnp.exe');
    expect(headlines.some((h) => h.startsWith('Click ') && h.includes('here'))).toBe(true);
    for (const item of result.digest!.items) {
      for (const value of [item.headline, item.lede, item.text, item.feedName, item.section]) expect(value).not.toMatch(UNSAFE);
    }
    expect(server.messages).toHaveLength(1);
    const mail = server.messages[0]!.parsed;
    expect(mail.subject).not.toMatch(UNSAFE);
    expect(mail.html).not.toMatch(UNSAFE);
    expect(mail.text).not.toMatch(UNSAFE);
    expect(mail.text).toContain('Evil]0;pwned News');
  });
});

describe('one story can never silence the digest', () => {
  const story = (n: number) => `Paragraph ${n} of a story long enough to stand on its own in the digest, with a lede worth reading and nothing odd about it.`;
  function feedWithHugeLink(extra: Record<string, unknown>[] = []): void {
    tmp.write(
      'feed.json',
      jsonFeed('Wire', [
        { id: 'huge', url: `https://news.example/${'a'.repeat(120_000)}`, title: 'The story with a 120 KB link', content_text: story(1), date_published: '2026-11-27T06:00:00Z' },
        ...extra,
      ]),
    );
  }

  it('an item whose link alone is over the size budget is left out with a warning naming it, and not retried', async () => {
    feedWithHugeLink([{ id: 'fine', url: 'https://news.example/fine', title: 'An ordinary story', content_text: story(2), date_published: '2026-11-27T05:00:00Z' }]);
    const server = await smtp();
    const config = project({ feeds: [{ url: 'feed.json', fullText: 'never' }], recipients: ['reader@example.com'] }, { SMTP_URL: server.url });
    const first = await runDigest(config, { now });
    expect(first.status).toBe('sent');
    expect(first.items).toBe(1);
    expect(first.digest!.items.map((i) => i.headline)).toEqual(['An ordinary story']);
    expect(first.warnings).toEqual([expect.stringMatching(/^Wire: "The story with a 120 KB link" \(https:\/\/news\.example\/a+…, 120,021 characters\) is left out: /)]);
    expect(server.messages).toHaveLength(1);
    expect(server.messages[0]!.parsed.html).toContain('An ordinary story');
    expect(server.messages[0]!.parsed.html).not.toMatch(/did not fit/);

    const second = await runDigest(config, { now: () => new Date('2026-11-28T07:00:05Z') });
    expect(second.status).toBe('nothing-new');
    expect(second.warnings).toEqual([]);
    expect(server.messages).toHaveLength(1);
  });

  it('with only that item, no email is sent at all (whenNothingNew: skip), today or on any later day', async () => {
    feedWithHugeLink();
    const server = await smtp();
    const config = project({ feeds: [{ url: 'feed.json', fullText: 'never' }], recipients: ['reader@example.com'] }, { SMTP_URL: server.url });
    const first = await runDigest(config, { now });
    expect(first.status).toBe('nothing-new');
    expect(first.warnings).toEqual([expect.stringMatching(/^Wire: "The story with a 120 KB link" .* is left out: /)]);
    const second = await runDigest(config, { now: () => new Date('2026-11-28T07:00:05Z') });
    expect(second.status).toBe('nothing-new');
    expect(second.warnings).toEqual([]);
    expect(server.messages).toHaveLength(0);
  });

  it('a story too big for any email under the budget is dropped for good and named; the others go out', async () => {
    // Under the link cap, but the link is in the email twice: with only this story, it is over 14 KB.
    tmp.write(
      'feed.json',
      jsonFeed('Wire', [
        { id: 'big', url: `https://news.example/${'b'.repeat(3900)}`, title: 'The big one', content_text: story(1), date_published: '2026-11-27T06:00:00Z' },
        { id: 's2', url: 'https://news.example/2', title: 'Second', content_text: 'Short.', date_published: '2026-11-27T05:00:00Z' },
        { id: 's3', url: 'https://news.example/3', title: 'Third', content_text: 'Short.', date_published: '2026-11-27T04:00:00Z' },
      ]),
    );
    const server = await smtp();
    const config = project({ feeds: [{ url: 'feed.json', fullText: 'never' }], recipients: ['reader@example.com'], maxHtmlKilobytes: 14 }, { SMTP_URL: server.url });
    const first = await runDigest(config, { now });
    expect(first).toMatchObject({ status: 'sent', items: 2 });
    expect(first.warnings).toEqual([expect.stringMatching(/^Wire: "The big one" \(https:\/\/news\.example\/b+…, 3,921 characters\) is left out: an email with only this story is \d+(\.\d)? KB, over the 14 KB size budget \(maxHtmlKilobytes\), so it can never be sent; it will not be offered again$/)]);
    expect(first.decisions.find((d) => d.id === first.decisions.find((x) => x.title === 'The big one')!.id)!.verdict).toBe('oversized');
    const html = server.messages[0]!.parsed.html as string;
    expect(html).toContain('Second');
    expect(html).toContain('Third');
    expect(html).not.toMatch(/The big one|did not fit/);

    const second = await runDigest(config, { now: () => new Date('2026-11-28T07:00:05Z') });
    expect(second).toMatchObject({ status: 'nothing-new', warnings: [] });
    expect(server.messages).toHaveLength(1);
  });

  it('with whenNothingNew: send, the email goes out saying there is nothing new, without the story', async () => {
    feedWithHugeLink();
    const server = await smtp();
    const config = project({ feeds: [{ url: 'feed.json', fullText: 'never' }], recipients: ['reader@example.com'], delivery: { whenNothingNew: 'send', rateLimit: 0 } }, { SMTP_URL: server.url });
    const first = await runDigest(config, { now });
    expect(first).toMatchObject({ status: 'sent', items: 0 });
    expect(server.messages).toHaveLength(1);
    expect(server.messages[0]!.parsed.text).toContain('Nothing new today');
    expect(server.messages[0]!.parsed.text).not.toMatch(/did not fit|120 KB link/);
  });
});
