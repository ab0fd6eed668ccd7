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
